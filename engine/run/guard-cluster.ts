// Cluster-level guard conditions: alerts (Prometheus/Alertmanager, fail closed),
// nodes_ready (Kubernetes API) and quorum (the other members of the host's quorum group).
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { KubeClient, loadKubeconfig } from '../kube/index.js';
import type { Vars } from '../load/model.js';
import type { GuardVerdict } from './guards.js';
import { BoundedRegExp } from '../py/regex-time.js';

export interface PeerCheck {
  host: string;
  group: string;
  datastore?: string;
  /** runs a command on the peer; resolves rc */
  run(cmd: string): Promise<{ rc: number; stdout: string; stderr: string }>;
}

function getJson(url: string, signal: AbortSignal, timeoutMs = 10_000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(u, { method: 'GET', signal, timeout: timeoutMs, headers: { accept: 'application/json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        if ((res.statusCode ?? 500) >= 400) return reject(new Error(`HTTP ${res.statusCode} from ${url}`));
        try {
          resolve(JSON.parse(body));
        } catch {
          reject(new Error(`not JSON from ${url}`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

interface Alert {
  name: string;
  state: string;
}

// Reads firing alerts from Prometheus (/api/v1/alerts) or Alertmanager (/api/v2/alerts).
async function fetchAlerts(base: string, signal: AbortSignal): Promise<Alert[]> {
  const trimmed = base.replace(/\/+$/, '');
  const am = /alertmanager|:9093|\/api\/v2/.test(trimmed);
  const url = trimmed.includes('/api/') ? trimmed : `${trimmed}${am ? '/api/v2/alerts' : '/api/v1/alerts'}`;
  const body = (await getJson(url, signal)) as { data?: { alerts?: unknown[] } } | unknown[];
  const list = Array.isArray(body) ? body : (body.data?.alerts ?? []);
  return (list as Record<string, unknown>[]).map((a) => ({
    name: String((a['labels'] as Vars | undefined)?.['alertname'] ?? 'unknown'),
    state: String(a['state'] ?? ((a['status'] as Vars | undefined)?.['state'] === 'active' ? 'firing' : ((a['status'] as Vars | undefined)?.['state'] ?? 'firing'))),
  }));
}

// No firing alerts except ignored ones; an unreachable Prometheus trips the guard (fail closed).
export async function checkAlerts(cfg: Vars, signal: AbortSignal): Promise<GuardVerdict> {
  const url = String(cfg['url'] ?? '');
  if (!url) return { ok: false, condition: 'alerts', evidence: 'no url given for the alerts condition' };
  let alerts: Alert[];
  try {
    alerts = await fetchAlerts(url, signal);
  } catch (e) {
    return { ok: false, condition: 'alerts', evidence: `cannot read alerts from ${url} (failing closed): ${(e as Error).message}` };
  }
  const ignore = ([] as unknown[]).concat(cfg['ignore'] ?? []).map((r) => new BoundedRegExp(String(r)));
  const match = ([] as unknown[]).concat(cfg['match'] ?? []).map((r) => new BoundedRegExp(String(r)));
  const firingOnly = cfg['firing_only'] !== false;
  const blocking = alerts.filter((a) => (!firingOnly || a.state === 'firing') && !ignore.some((r) => r.test(a.name)) && (match.length === 0 || match.some((r) => r.test(a.name))));
  return blocking.length === 0 ? { ok: true } : { ok: false, condition: 'alerts', evidence: `firing: ${blocking.map((a) => a.name).join(', ')}` };
}

function client(cfg: unknown, kubeconfig?: string, context?: string): KubeClient {
  const c = (cfg && typeof cfg === 'object' ? cfg : {}) as Vars;
  const path = (c['kubeconfig'] as string | undefined) ?? kubeconfig;
  const ctx = (c['context'] as string | undefined) ?? context;
  return new KubeClient(loadKubeconfig({ ...(path ? { path } : {}), ...(ctx ? { context: ctx } : {}) }), { timeoutMs: 10_000 });
}

type Node = { metadata: { name: string }; spec?: { unschedulable?: boolean }; status?: { conditions?: { type: string; status: string }[] } };

function nodeProblems(n: Node): string[] {
  const out: string[] = [];
  for (const c of n.status?.conditions ?? []) {
    if (c.type === 'Ready' && c.status !== 'True') out.push('NotReady');
    if (['MemoryPressure', 'DiskPressure', 'PIDPressure'].includes(c.type) && c.status === 'True') out.push(c.type);
  }
  if (!(n.status?.conditions ?? []).some((c) => c.type === 'Ready')) out.push('no Ready condition');
  return out;
}

// Every node Ready with no Memory/Disk/PID pressure, and none cordoned but the guarded node itself
// (a node cordoned for any other reason is already out of service).
export async function checkNodesReady(cfg: unknown, kubeconfig?: string, context?: string, self?: string): Promise<GuardVerdict> {
  let items: Node[];
  try {
    const list = (await client(cfg, kubeconfig, context).list('nodes')) as unknown as { items: Node[] };
    items = list.items;
  } catch (e) {
    return { ok: false, condition: 'nodes_ready', evidence: `cannot list nodes (failing closed): ${(e as Error).message}` };
  }
  const cordoned = (n: Node) => n.spec?.unschedulable === true && n.metadata.name !== self ? ['cordoned'] : [];
  const bad = items.map((n) => [n.metadata.name, [...nodeProblems(n), ...cordoned(n)]] as const).filter(([, p]) => p.length > 0);
  return bad.length === 0 ? { ok: true } : { ok: false, condition: 'nodes_ready', evidence: bad.map(([n, p]) => `${n}: ${p.join(', ')}`).join('; ') };
}

const DATASTORE_UNITS: Record<string, string> = { dqlite: 'snap.microk8s.daemon-k8s-dqlite', etcd: 'etcd' };

interface Pod {
  metadata: { name: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

// kubeadm runs etcd as the static pod etcd-NODE: '' when Running and Ready, why not otherwise, and
// undefined when the cluster has no such pods (etcd as a systemd unit). With stacked etcd, a host
// without the pod is no etcd member ('').
function etcdPodProblem(pods: Map<string, Pod> | undefined, host: string): string | undefined {
  if (!pods || pods.size === 0) return undefined;
  const pod = pods.get(`etcd-${host}`);
  if (!pod) return '';
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  return pod.status?.phase === 'Running' && ready ? '' : `etcd pod ${pod.status?.phase ?? 'unknown'}${ready ? '' : ', not Ready'}`;
}

// Every other member of the host's quorum groups: node Ready and datastore member healthy (the
// datastore's systemd unit active; for etcd, kubeadm's static pod when there is one).
export async function checkQuorumPeers(peers: PeerCheck[], kubeconfig?: string, context?: string): Promise<GuardVerdict> {
  const problems: string[] = [];
  let nodes: Map<string, string[]> | undefined;
  let etcdPods: Map<string, Pod> | undefined;
  if (kubeconfig || process.env['KUBECONFIG']) {
    try {
      const c = client({}, kubeconfig, context);
      const list = (await c.list('nodes')) as unknown as { items: Node[] };
      nodes = new Map(list.items.map((n) => [n.metadata.name, nodeProblems(n)]));
      if (peers.some((p) => p.datastore === 'etcd')) {
        const pods = (await c.list('pods', { namespace: 'kube-system', labelSelector: 'component=etcd' })) as unknown as { items: Pod[] };
        etcdPods = new Map(pods.items.map((p) => [p.metadata.name, p]));
      }
    } catch (e) {
      return { ok: false, condition: 'quorum', evidence: `cannot read node state (failing closed): ${(e as Error).message}` };
    }
  }
  for (const p of peers) {
    const np = nodes?.get(p.host);
    if (np && np.length > 0) problems.push(`${p.host}: ${np.join(', ')}`);
    const unit = p.datastore ? DATASTORE_UNITS[p.datastore] : undefined;
    if (!unit) continue;
    const podProblem = p.datastore === 'etcd' ? etcdPodProblem(etcdPods, p.host) : undefined;
    if (podProblem !== undefined) {
      if (podProblem) problems.push(`${p.host}: ${podProblem}`);
      continue;
    }
    try {
      const r = await p.run(`systemctl is-active ${unit}`);
      if (r.rc !== 0 || r.stdout.trim() !== 'active') problems.push(`${p.host}: ${unit} ${r.stdout.trim() || 'not active'}`);
    } catch (e) {
      problems.push(`${p.host}: unreachable (${(e as Error).message})`);
    }
  }
  return problems.length === 0 ? { ok: true } : { ok: false, condition: 'quorum', evidence: problems.join('; ') };
}
