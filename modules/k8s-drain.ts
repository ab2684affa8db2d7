// k8s_drain: kubernetes.core.k8s_drain's arguments (name, state drain/cordon/uncordon,
// delete_options) carried out by the kubectl module's machinery: PDB-aware eviction through the
// API, tsplay's cordon ownership, check mode that only reads.
import { defineModule, type Probe } from '../engine/module.js';
import { normalizeArgs } from '../engine/shared/normalize.js';
import kubectl, { schema as kubectlSchema, type KubectlArgs } from './kubectl.js';
import { K8S_AUTH, kubeSettings, unsupportedAuth } from './lib/k8s-common.js';

// The k8s_drain arguments (kubernetes.core's names and defaults).
export const schema = {
  type: 'object',
  properties: {
    name: { type: 'string', description: 'the node' },
    state: { enum: ['drain', 'cordon', 'uncordon'], default: 'drain', description: 'what to do with the node' },
    delete_options: {
      type: 'object',
      properties: {
        terminate_grace_period: { type: 'integer', description: 'seconds each pod gets to stop (default: its own)' },
        force: { type: 'boolean', default: false, description: 'also delete pods that no controller manages' },
        ignore_daemonsets: { type: 'boolean', default: false, description: 'leave DaemonSet pods in place' },
        delete_emptydir_data: { type: 'boolean', default: false, description: 'evict pods with emptyDir volumes' },
        disable_eviction: { type: 'boolean', default: false, description: 'delete instead of evict (bypasses PodDisruptionBudgets)' },
        wait_timeout: { type: 'integer', description: 'seconds to wait for the pods to go (default 300)' },
        wait_sleep: { type: 'integer', default: 5, description: 'seconds between checks and refused evictions' },
      },
      additionalProperties: false,
      description: 'drain settings',
    },
    ...K8S_AUTH,
  },
  required: ['name'],
  additionalProperties: false,
} as const;

type DrainArgs = { name: string; state: string; delete_options?: Record<string, unknown> | undefined; kubeconfig?: unknown; context?: string | undefined };

// The kubectl arguments for a k8s_drain task.
export function toKubectl(args: DrainArgs): KubectlArgs {
  const o = args.delete_options ?? {};
  const raw: Record<string, unknown> = { action: args.state, node: args.name, ...kubeSettings(args) };
  if (o['terminate_grace_period'] !== undefined) raw['grace_period'] = o['terminate_grace_period'];
  for (const k of ['force', 'ignore_daemonsets', 'delete_emptydir_data', 'disable_eviction']) if (o[k] !== undefined) raw[k] = o[k];
  if (o['wait_timeout'] !== undefined) raw['timeout'] = o['wait_timeout'];
  if (o['wait_sleep'] !== undefined) raw['retry_delay'] = o['wait_sleep'];
  return normalizeArgs(kubectlSchema, raw) as KubectlArgs;
}

export default defineModule({
  name: 'k8s_drain',
  aliases: ['kubernetes.core.k8s_drain', 'community.kubernetes.k8s_drain'],
  summary: 'Drain, cordon or uncordon a node (kubernetes.core.k8s_drain arguments, the kubectl module\'s PDB-aware drain)',
  schema,
  checkMode: 'only GETs: reports what would be cordoned and evicted (and which PodDisruptionBudgets would block)',
  example: '- kubernetes.core.k8s_drain:\n    name: "{{ inventory_hostname }}"\n    delete_options:\n      ignore_daemonsets: true\n      delete_emptydir_data: true\n  delegate_to: localhost',
  disruptive: (args) => (args.state === 'drain' || args.state === 'cordon' ? { kind: args.state, what: `${args.state} of node ${args.name}`, datastore: false, apiNode: args.name } : undefined),
  apiCluster: (args) => kubeSettings(args),
  async probe(ctx, args): Promise<Probe> {
    const bad = unsupportedAuth(args);
    if (bad) return { changed: false, failed: bad };
    if (!kubectl.probe) return { changed: false, failed: 'kubectl module unavailable' };
    const p = await kubectl.probe(ctx, toKubectl(args as DrainArgs));
    const msg = { drain: `node ${args.name} drained`, cordon: `node ${args.name} marked unschedulable.`, uncordon: `node ${args.name} marked schedulable.` }[args.state];
    return p.result && p.changed ? { ...p, result: { ...p.result, result: msg } } : p;
  },
});
