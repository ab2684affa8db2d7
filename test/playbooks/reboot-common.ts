// What the k8s-reboot.yml lab tests share: the fast timings, boot ids and nodes of a lab status, and
// the steps a real run takes on each node (its --check summary).
import type { LabStatus } from './lab.js';

export const FAST = ['-e', 'reboot_soak_seconds=1', '-e', 'drain_timeout=4s', '-e', 'postflight_retries=1', '-e', 'stall_checks=2'];
export const bootIds = (s: LabStatus) => Object.fromEntries(s.nodes.map((n) => [n.name, n.bootId]));
export const node = (s: LabStatus, name: string) => s.nodes.find((n) => n.name === name);
export const PER_NODE = ['cordon', 'drain', 'stop the kubelet so removed sandboxes stay removed', 'drain the containerd pod sandboxes', "tsplay's state directory on the node", 'remember the reboot (a resumed run does not reboot the node twice)', 'reboot', 'a canary pod bound to the node', 'remove the canary pod', 'uncordon', 'the reboot is done'];
