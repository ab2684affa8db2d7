// An in-cluster environment on the rehearsal lab: a "service account" directory with the lab API's
// token and CA, KUBERNETES_SERVICE_HOST/PORT pointing at it, and runner Pods the lab's Job
// controller places on nodes; runner processes started as those Pods would be.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { KubeClient, loadKubeconfig } from '../../engine/kube/index.js';
import { PlaybookLab, PLAYBOOKS, parseEvents, type RunEvent } from '../playbooks/lab.js';
import { startCli, type CliResult } from '../e2e/cli.js';

export const NS = 'tsplay';
export const FAST = ['-e', 'reboot_soak_seconds=0', '-e', 'drain_timeout=4s', '-e', 'postflight_retries=3'];

export class ClusterLab {
  readonly client: KubeClient;
  readonly saDir: string;
  readonly port: string;

  constructor(readonly lab: PlaybookLab) {
    const lab_ = lab;
    const kc = join(lab.dir, '.tsplay/lab/kubeconfig');
    this.client = new KubeClient(loadKubeconfig({ path: kc }));
    const doc = parse(readFileSync(kc, 'utf8')) as { clusters: { cluster: Record<string, string> }[]; users: { user: Record<string, string> }[] };
    this.saDir = join(lab.dir, 'serviceaccount');
    mkdirSync(this.saDir, { recursive: true });
    writeFileSync(join(this.saDir, 'token'), String(doc.users[0]?.user['token']));
    writeFileSync(join(this.saDir, 'ca.crt'), Buffer.from(String(doc.clusters[0]?.cluster['certificate-authority-data']), 'base64'));
    writeFileSync(join(this.saDir, 'namespace'), NS);
    this.port = new URL(String(doc.clusters[0]?.cluster['server'])).port;
    // the inventory of a runner Pod: the tsplay.cluster plugin (the Nodes, through the service
    // account) with the lab's cluster-wide variables; beside it how the lab's nodes are reached by SSH
    const inv = parse(readFileSync(join(lab_.dir, 'inventory/lab.yml'), 'utf8')) as { all: { children: { k8s: { hosts: Record<string, unknown>; vars: Record<string, unknown> } } } };
    const { tsplay_kubeconfig: _k, tsplay_kube_context: _c, ...vars } = inv.all.children.k8s.vars;
    writeFileSync(join(lab_.dir, 'cluster.tsplay.cluster.yml'), stringify({ plugin: 'tsplay.cluster', vars }));
    writeFileSync(join(lab_.dir, 'lab-ssh.yml'), stringify({ all: { hosts: inv.all.children.k8s.hosts } }));
  }

  static async up(): Promise<ClusterLab> {
    const cl = new ClusterLab(await PlaybookLab.up('dqlite'));
    await cl.install();
    return cl;
  }

  // `tsplay cluster install` as an operator runs it (the lab's admin kubeconfig); the runners then
  // use the installed ServiceAccount's token, so the lab's RBAC holds them to the installed rules.
  async install(): Promise<void> {
    const r = await this.lab.cli(['cluster', 'install', '--kubeconfig', '.tsplay/lab/kubeconfig', '--image', 'tsplay:test']);
    if (r.rc !== 0) throw new Error(`cluster install failed: ${r.stderr}`);
    await this.client.create('secrets', { metadata: { name: 'tsplay-token', namespace: NS, annotations: { 'kubernetes.io/service-account.name': 'tsplay' } }, type: 'kubernetes.io/service-account-token' }, { namespace: NS });
    const s = await this.client.get('secrets', 'tsplay-token', { namespace: NS });
    writeFileSync(join(this.saDir, 'token'), Buffer.from(String(s['data'].token), 'base64').toString());
  }

  // The environment of a process in runner Pod `pod` on `node` (as the Job's downward API sets it).
  env(pod: string, node: string, extra: Record<string, string> = {}): Record<string, string> {
    return { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: this.port, TSPLAY_SA_DIR: this.saDir, TSPLAY_POD_NAME: pod, TSPLAY_POD_NAMESPACE: NS, TSPLAY_NODE_NAME: node, HOSTNAME: pod, TSPLAY_LOCK_TTL_S: '10', ...extra };
  }

  // A runner Job pinned to `node` (its template as `tsplay cluster install` writes them, simplified); resolves its Pod.
  async runnerJob(name: string, node: string): Promise<Record<string, any>> {
    await this.client.create('namespaces', { metadata: { name: NS } }).catch(() => undefined);
    await this.client.create('jobs', {
      metadata: { name, namespace: NS, labels: { 'app.kubernetes.io/name': 'tsplay' } },
      spec: {
        backoffLimit: 2,
        template: {
          metadata: { labels: { 'app.kubernetes.io/name': 'tsplay' } },
          spec: {
            restartPolicy: 'Never',
            nodeSelector: { 'kubernetes.io/hostname': node },
            tolerations: [{ key: 'example.com/maintenance', operator: 'Exists', effect: 'NoSchedule' }],
            containers: [{ name: 'tsplay', image: 'tsplay:test', args: ['run', '--in-cluster', 'k8s-reboot.yml'] }],
          },
        },
      },
    }, { namespace: NS });
    return this.podOf(name);
  }

  async podOf(job: string, phase = 'Running'): Promise<Record<string, any>> {
    const { items } = await this.client.list('pods', { namespace: NS, labelSelector: `job-name=${job}` });
    const p = items.find((x) => x['status']?.phase === phase);
    if (!p) throw new Error(`no ${phase} pod of Job ${job}: ${JSON.stringify(items.map((x) => [x['metadata']?.name, x['status']?.phase]))}`);
    return p;
  }

  // The pod ended (as the kubelet reports a finished or killed container).
  async podEnded(name: string, phase: 'Succeeded' | 'Failed'): Promise<void> {
    const p = await this.client.get('pods', name, { namespace: NS });
    await this.client.update('pods', { ...p, status: { ...p['status'], phase } }, { subresource: 'status' });
  }

  // Starts `tsplay run --in-cluster k8s-reboot.yml` as runner Pod `pod` on `node`.
  start(pod: string, node: string, args: string[] = [], extra: Record<string, string> = {}): { child: ReturnType<typeof startCli>['child']; done: Promise<CliResult & { events: RunEvent[] }> } {
    const r = startCli(['run', '--in-cluster', join(PLAYBOOKS, 'k8s-reboot.yml'), '-i', 'cluster.tsplay.cluster.yml', '-i', 'lab-ssh.yml', '--output', 'json', '-e', `canary_namespace=${NS}`, ...FAST, ...args], { cwd: this.lab.dir, env: { ...this.env(pod, node), ...extra }, timeoutMs: 150_000 });
    return { child: r.child, done: r.done.then((x) => ({ ...x, events: parseEvents(x.stdout) })) };
  }

  async down(): Promise<void> {
    this.client.close();
    await this.lab.down();
  }
}
