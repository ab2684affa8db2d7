// kubeadm's stacked etcd members' own logs (the etcd-NODE static pods' container log, which the API
// serves as pods/log): etcd 3.5's JSON lines at start-up, on leader elections and quorum loss, and the
// `etcd-leader-churn` fault's leader changes and slow applies.
import type { QuorumChange } from './datastore.js';
import { KubeStatusError, type LogLine, type PodLogSource } from './kube/index.js';
import type { NodeSim } from './node.js';
import type { LabSim } from './sim.js';

const MAX_LINES = 5000;
const RAFT = 'etcdserver/zap_raft.go:77';

// One etcd (zap) log line.
export function etcdLine(level: 'info' | 'warn', caller: string, msg: string, fields: Record<string, unknown> = {}, ts = Date.now(), raft = false): string {
  return JSON.stringify({ level, ts: new Date(ts).toISOString().replace(/Z$/, '000Z'), ...(raft ? { logger: 'raft' } : {}), caller, msg, ...fields });
}

// Append a line to a member's log (kept sorted by time, bounded).
export function etcdLog(node: NodeSim, line: string, ts = Date.now()): void {
  const log = node.etcdLog;
  const at = log.length && (log[log.length - 1]?.ts ?? 0) > ts ? log.findIndex((l) => l.ts > ts) : log.length;
  log.splice(at, 0, { ts, line });
  if (log.length > MAX_LINES) log.splice(0, log.length - MAX_LINES);
}

function id(sim: LabSim, node: string | undefined): string {
  return sim.datastore.member(node ?? '')?.id ?? '0';
}

function raft(sim: LabSim, node: NodeSim, msg: string, ts = Date.now()): void {
  etcdLog(node, etcdLine('info', RAFT, msg, {}, ts, true), ts);
}

// The lines of a member starting (at boot), up to learning who leads.
export function etcdStarted(sim: LabSim, node: NodeSim, ts = Date.now()): void {
  const me = id(sim, node.name);
  const ip = node.ip;
  etcdLog(node, etcdLine('info', 'etcdmain/etcd.go:73', 'Running: ', { args: ['etcd', `--advertise-client-urls=https://${ip}:2379`, '--data-dir=/var/lib/etcd', `--initial-advertise-peer-urls=https://${ip}:2380`, `--name=${node.name}`] }, ts), ts);
  etcdLog(node, etcdLine('info', 'etcdserver/server.go:851', 'starting etcd server', { 'local-member-id': me, 'local-server-version': '3.5.16' }, ts + 200), ts + 200);
  raft(sim, node, `${me} became follower at term ${sim.datastore.term}`, ts + 400);
  if (sim.datastore.leader && sim.datastore.hasQuorum()) raft(sim, node, `raft.node: ${me} elected leader ${id(sim, sim.datastore.leader)} at term ${sim.datastore.term}`, ts + 600);
  etcdLog(node, etcdLine('info', 'etcdserver/server.go:2068', 'published local member to cluster through raft', { 'local-member-id': me, 'local-member-attributes': `{Name:${node.name} ClientURLs:[https://${ip}:2379]}` }, ts + 700), ts + 700);
  etcdLog(node, etcdLine('info', 'embed/serve.go:250', 'serving client traffic securely', { traffic: 'grpc+http', address: `${ip}:2379` }, ts + 800), ts + 800);
}

// A leader election after a member left or came back: every up member loses the old leader and elects the new one.
export function etcdElection(sim: LabSim, change: QuorumChange): void {
  const lc = change.leaderChanged;
  for (const m of sim.datastore.members.filter((x) => x.up)) {
    const node = sim.node(m.node);
    if (!node?.up) continue;
    if (lc?.from && lc.from !== m.node) raft(sim, node, `raft.node: ${m.id} lost leader ${id(sim, lc.from)} at term ${sim.datastore.term - (lc.to ? 1 : 0)}`);
    if (!lc?.to) {
      raft(sim, node, `${m.id} is starting a new election at term ${sim.datastore.term}`);
      raft(sim, node, `${m.id} became pre-candidate at term ${sim.datastore.term}`);
      continue;
    }
    if (lc.to === m.node) raft(sim, node, `${m.id} became leader at term ${sim.datastore.term}`);
    raft(sim, node, `raft.node: ${m.id} elected leader ${id(sim, lc.to)} at term ${sim.datastore.term}`);
  }
}

// While there is no quorum: the surviving members probe their down peers and keep campaigning.
export function etcdNoQuorumTick(sim: LabSim): void {
  const down = sim.datastore.members.filter((m) => !m.up);
  for (const m of sim.datastore.members.filter((x) => x.up)) {
    const node = sim.node(m.node);
    if (!node?.up) continue;
    for (const d of down) etcdLog(node, etcdLine('warn', 'rafthttp/probing_status.go:68', 'prober detected unhealthy status', { 'round-tripper-name': 'ROUND_TRIPPER_RAFT_MESSAGE', 'remote-peer-id': d.id, rtt: '0s', error: `dial tcp ${d.address.replace(/^https:\/\//, '')}: connect: connection refused` }));
    raft(sim, node, `${m.id} is starting a new election at term ${sim.datastore.term}`);
  }
}

// One `etcd-leader-churn` round: slow applies on the targets; every `electEvery`th round a leader change.
export function churnTick(sim: LabSim, targets: string[], round: number, ts = Date.now(), electEvery = 5): void {
  if (round % electEvery === 0) {
    const moved = sim.datastore.rotateLeader();
    if (moved) etcdElection(sim, { lost: false, regained: false, leaderChanged: moved });
  }
  for (const name of targets) {
    const node = sim.node(name);
    if (!node?.up || !sim.datastore.member(name)?.up) continue;
    const took = (1.1 + ((round * 7) % 30) / 10).toFixed(6);
    etcdLog(node, etcdLine('warn', 'etcdserver/util.go:170', 'apply request took too long', { took: `${took}s`, 'expected-duration': '100ms', prefix: 'read-only range ', request: 'key:"/registry/leases/kube-node-lease/" range_end:"/registry/leases/kube-node-lease0" ', response: '', error: 'context canceled' }, ts), ts);
    if (round % electEvery === 1) etcdLog(node, etcdLine('warn', 'v3rpc/interceptor.go:197', 'request stats', { 'start time': new Date(ts - 1500).toISOString(), 'time spent': `${took}s`, remote: '127.0.0.1:41356', 'response type': '/etcdserverpb.KV/Txn', error: 'etcdserver: leader changed' }, ts), ts);
  }
}

// Start `etcd-leader-churn` on these members (two minutes of backfill, then every interval); returns the stop function.
export function startLeaderChurn(sim: LabSim, targets: string[]): () => void {
  const now = Date.now();
  let round = 0;
  for (let ago = 120_000; ago > 0; ago -= 3000) churnTick(sim, targets, ++round, now - ago, Number.POSITIVE_INFINITY);
  return sim.every(sim.timings.contentionIntervalMs, () => churnTick(sim, targets, ++round));
}

// Move every line (and the time inside it) back by ms, as `lab advance` does to the journals.
export function ageEtcdLog(node: NodeSim, ms: number): number {
  for (const l of node.etcdLog) {
    l.ts -= ms;
    l.line = l.line.replace(/"ts":"([^"]+)"/, (_, t: string) => `"ts":"${new Date(Date.parse(t) - ms).toISOString().replace(/Z$/, '000Z')}"`);
  }
  return node.etcdLog.length;
}

// The API's pods/log source: etcd-NODE's log from its member; other pods have an empty log. A node
// whose kubelet is not running cannot serve logs (the apiserver's proxy to :10250 fails).
export function labPodLog(sim: LabSim): PodLogSource {
  return (pod, container) => {
    const node = sim.node(String(pod.spec?.nodeName ?? ''));
    if (!node) return undefined;
    if (!sim.kubeletActive(node)) throw new KubeStatusError(500, 'InternalError', `Get "https://${node.ip}:10250/containerLogs/${pod.metadata.namespace}/${pod.metadata.name}/${container}": dial tcp ${node.ip}:10250: connect: connection refused`);
    const isEtcd = pod.metadata.namespace === 'kube-system' && pod.metadata.name === `etcd-${node.name}` && container === 'etcd';
    return isEtcd ? node.etcdLog.map((l) => ({ ...l })) : undefined;
  };
}
