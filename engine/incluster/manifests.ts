// The objects `tsplay cluster install` creates, as plain data (pure): a namespace, a ServiceAccount
// with the least RBAC the shipped playbooks need (each rule with the reason for its verbs), a
// ConfigMap with the inventory (the tsplay.cluster plugin, or the operator's own) and the playbook
// when it is not one shipped in the image, and a CronJob running `tsplay run --in-cluster`. The SSH
// key is referenced (a Secret the operator creates), never written here; so is the webhook URL.
import { Document, isSeq, type YAMLSeq } from 'yaml';

type Obj = Record<string, any>;

export const NAME = 'tsplay';
export const CONFIG_DIR = '/etc/tsplay/config';
export const SSH_DIR = '/etc/tsplay/ssh';
export const SHIPPED_DIR = '/app/playbooks';
const LABELS = { 'app.kubernetes.io/name': NAME, 'app.kubernetes.io/managed-by': 'tsplay' };

/** one RBAC rule and why the playbooks need its verbs */
export interface Rule {
  rule: Obj;
  why: string;
}

// What the shipped playbooks do through the API, verb by verb.
export const CLUSTER_RULES: Rule[] = [
  { rule: { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] }, why: 'the tsplay.cluster inventory, node identity, the disruption budget, the health gate and `kubectl wait` read the Nodes' },
  { rule: { apiGroups: [''], resources: ['nodes'], verbs: ['patch'] }, why: 'cordon and uncordon set spec.unschedulable' },
  { rule: { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }, why: "the drain lists a node's pods and waits for evicted ones to go; the postflight counts pods; the datastore guard finds etcd's static pods; a runner reads its own Pod (its successor's tolerations) and the Pod of a lock holder" },
  { rule: { apiGroups: [''], resources: ['pods'], verbs: ['delete'] }, why: "restarting a node's calico-node pod when its NAT rules are missing, and the ingress-nginx pods after an upgrade; a drain force-deletes pods stuck terminating" },
  { rule: { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] }, why: 'the drain evicts through the PodDisruptionBudgets' },
  { rule: { apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }, why: "the datastore guard reads etcd's log (leader changes, slow applies) on kubeadm clusters" },
  { rule: { apiGroups: [''], resources: ['events'], verbs: ['list'] }, why: 'the postflight looks for FailedScheduling events (a stalled scheduler)' },
  { rule: { apiGroups: [''], resources: ['services'], verbs: ['get'] }, why: 'ingress-validate maps ingress-nginx backends to their Services' },
  { rule: { apiGroups: [''], resources: ['services/proxy'], verbs: ['get'] }, why: "ingress-validate reads ingress-nginx's backends through the API server's service proxy" },
  { rule: { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list'] }, why: 'endpoint-validate looks for EndpointSlices that keep dead pod IPs' },
  { rule: { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['delete'] }, why: 'endpoint_repair=true deletes a stale EndpointSlice (its controller writes it again)' },
  { rule: { apiGroups: ['apps'], resources: ['daemonsets'], verbs: ['get'] }, why: 'the drain leaves DaemonSet pods alone once it has seen their DaemonSet' },
  { rule: { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'patch'] }, why: 'a rollout restart (kubectl action restart) patches the pod template of a Deployment' },
  { rule: { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: ['list'] }, why: 'the drain names the PodDisruptionBudget that blocks an eviction' },
  { rule: { nonResourceURLs: ['/metrics'], verbs: ['get'] }, why: "k8s-upgrade's gate reads apiserver_requested_deprecated_apis from the API server's metrics" },
  { rule: { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list'] }, why: "read only: the stall checks read the scheduler's and controller-manager's leader Leases and every kubelet's heartbeat in kube-node-lease; the reboot waits for its node's Lease to be renewed (only the run lock may be written, below)" },
];

// In the install's namespace: the journal and the hand-off.
export const NAMESPACE_RULES: Rule[] = [
  { rule: { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'create', 'update'] }, why: 'the run journal: ConfigMaps tsplay-run-<run>-<n>, written as the run goes and read by the next runner to resume' },
  { rule: { apiGroups: [''], resources: ['configmaps'], verbs: ['delete'] }, why: 'journals of runs that ended more than TSPLAY_JOURNAL_KEEP_DAYS (30) days ago are deleted' },
  { rule: { apiGroups: [''], resources: ['pods'], verbs: ['create'] }, why: "k8s-reboot's kubelet canary: a pause pod bound to each rebooted node (canary_namespace, set to this namespace), which the kubelet must start" },
  { rule: { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'create'] }, why: "self-deferral: a runner reads its own Job and creates its successor before disrupting its own node; the next runner checks that successor" },
];

// In kube-system: the run lock, the Lease every tsplay run takes.
export const LOCK_RULES: Rule[] = [
  { rule: { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] }, why: 'taking the free run lock (create cannot be limited to one name)' },
  { rule: { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['tsplay-run-lock'], verbs: ['get', 'update', 'delete'] }, why: 'reading, renewing, taking over and releasing the run lock, and nothing else' },
];

/** what to install */
export interface InstallOptions {
  namespace: string;
  /** the playbook's path inside the image (a shipped one), or its text (put in the ConfigMap) */
  playbook: { shipped: string } | { name: string; text: string };
  /** the operator's own inventory text; default: the tsplay.cluster plugin */
  inventory?: { name: string; text: string };
  schedule: string;
  image: string;
  sshSecret: string;
  sshUser?: string;
  notifySecret: string;
  pushgateway?: string;
  stallAfter?: string;
  extraVars: string[];
}

function meta(name: string, namespace?: string): Obj {
  return { name, ...(namespace ? { namespace } : {}), labels: { ...LABELS } };
}

// The inventory a runner uses: the Nodes through its service account, reached over SSH with the mounted key.
export function pluginInventory(o: Pick<InstallOptions, 'sshUser'>): string {
  const vars: Obj = {
    ...(o.sshUser ? { ansible_user: o.sshUser } : {}),
    ansible_ssh_private_key_file: `${SSH_DIR}/ssh-privatekey`,
    ansible_ssh_common_args: `-o UserKnownHostsFile=${SSH_DIR}/known_hosts -o StrictHostKeyChecking=yes`,
  };
  return new Document({ plugin: 'tsplay.cluster', vars }).toString();
}

// Every object, in the order they are applied.
export function installObjects(o: InstallOptions): Obj[] {
  const ns = o.namespace;
  const inventory = o.inventory ?? { name: 'inventory.tsplay.cluster.yml', text: pluginInventory(o) };
  const playbookPath = 'shipped' in o.playbook ? o.playbook.shipped : `${CONFIG_DIR}/${o.playbook.name}`;
  const data: Record<string, string> = { [inventory.name]: inventory.text, ...('text' in o.playbook ? { [o.playbook.name]: o.playbook.text } : {}) };
  const env: Obj[] = [
    { name: 'TSPLAY_NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
    { name: 'TSPLAY_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    { name: 'TSPLAY_POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    { name: 'TSPLAY_WEBHOOK_URL', valueFrom: { secretKeyRef: { name: o.notifySecret, key: 'webhook-url', optional: true } } },
    ...(o.pushgateway ? [{ name: 'TSPLAY_PUSHGATEWAY_URL', value: o.pushgateway }] : []),
    ...(o.stallAfter ? [{ name: 'TSPLAY_STALL_AFTER', value: o.stallAfter }] : []),
  ];
  // the kubelet canary pods go to the install's namespace, the only one the runner creates pods in
  const args = ['run', '--in-cluster', playbookPath, '-i', `${CONFIG_DIR}/${inventory.name}`, '--output', 'plain', '-e', `canary_namespace=${ns}`, ...o.extraVars.flatMap((e) => ['-e', e])];
  const binding = (kind: string, name: string, namespace: string | undefined, role: string) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: meta(name, namespace),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: kind === 'ClusterRoleBinding' ? 'ClusterRole' : 'Role', name: role },
    subjects: [{ kind: 'ServiceAccount', name: NAME, namespace: ns }],
  });
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: meta(ns) },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(NAME, ns) },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: meta(NAME), rules: CLUSTER_RULES.map((r) => r.rule) },
    binding('ClusterRoleBinding', NAME, undefined, NAME),
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta(NAME, ns), rules: NAMESPACE_RULES.map((r) => r.rule) },
    binding('RoleBinding', NAME, ns, NAME),
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta(`${NAME}-run-lock`, 'kube-system'), rules: LOCK_RULES.map((r) => r.rule) },
    binding('RoleBinding', `${NAME}-run-lock`, 'kube-system', `${NAME}-run-lock`),
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(`${NAME}-config`, ns), data },
    {
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta(NAME, ns),
      spec: {
        schedule: o.schedule,
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels: { ...LABELS, 'app.kubernetes.io/component': 'runner' } },
          spec: {
            // a runner Pod killed (evicted, OOM, its node lost) is followed by another that resumes the run
            backoffLimit: 3,
            ttlSecondsAfterFinished: 7 * 86400,
            template: {
              metadata: { labels: { ...LABELS, 'app.kubernetes.io/component': 'runner' } },
              spec: {
                serviceAccountName: NAME,
                restartPolicy: 'Never',
                securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
                tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
                containers: [{
                  name: NAME,
                  image: o.image,
                  args,
                  workingDir: '/work',
                  env,
                  resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
                  securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                  volumeMounts: [
                    { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
                    { name: 'ssh', mountPath: SSH_DIR, readOnly: true },
                    { name: 'work', mountPath: '/work' },
                    { name: 'tmp', mountPath: '/tmp' },
                  ],
                }],
                volumes: [
                  { name: 'config', configMap: { name: `${NAME}-config` } },
                  { name: 'ssh', secret: { secretName: o.sshSecret, defaultMode: 0o440 } },
                  { name: 'work', emptyDir: {} },
                  { name: 'tmp', emptyDir: {} },
                ],
              },
            },
          },
        },
      },
    },
  ];
}

const WHY: Record<string, Rule[]> = { ClusterRole: CLUSTER_RULES, Role: NAMESPACE_RULES };

// The objects as a multi-document YAML stream, each RBAC rule preceded by why it is needed.
export function manifestsYaml(objs: Obj[]): string {
  return objs
    .map((o) => {
      const doc = new Document(o);
      const reasons = o['kind'] === 'Role' && o['metadata']?.namespace === 'kube-system' ? LOCK_RULES : WHY[o['kind']];
      const rules = doc.get('rules', true);
      if (reasons && isSeq(rules)) (rules as YAMLSeq).items.forEach((item, i) => ((item as { commentBefore?: string }).commentBefore = ` ${reasons[i]?.why ?? ''}`));
      if (o['kind'] === 'CronJob') doc.commentBefore = ` tsplay run --in-cluster, on schedule; needs the Secret ${o['spec']?.jobTemplate?.spec?.template?.spec?.volumes?.find((v: Obj) => v.name === 'ssh')?.secret?.secretName} (ssh-privatekey, known_hosts)`;
      return doc.toString({ lineWidth: 0 });
    })
    .join('---\n');
}
