// etcdctl's cluster commands on kubeadm's stacked etcd: member list, endpoint health and endpoint
// status, for --endpoints (default the local member) or every member with --cluster.
import type { Member } from '../datastore.js';
import type { NodeSim } from '../node.js';
import type { LabSim } from '../sim.js';
import type { ToolResult } from '../types.js';
import { ETCD_IMAGE, minorOf } from '../versions.js';
import { fail, ok, text } from './util.js';

const DEADLINE = '{"level":"warn","msg":"retrying of unary invoker failed","error":"context deadline exceeded"}\nError: context deadline exceeded';

// The value of a `--name=VALUE` or `--name VALUE` option.
export function optionValue(args: string[], name: string): string | undefined {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  const a = args[i] as string;
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[i + 1];
}

function clientUrl(m: Member): string {
  return m.address.replace(':2380', ':2379');
}

// The endpoints a command talks to, each with the member behind it (undefined: nothing listens there).
function endpoints(sim: LabSim, node: NodeSim, args: string[]): { url: string; member: Member | undefined }[] {
  if (args.includes('--cluster')) return sim.datastore.members.map((m) => ({ url: clientUrl(m), member: m }));
  const given = optionValue(args, '--endpoints') ?? 'https://127.0.0.1:2379';
  return given.split(',').filter(Boolean).map((url) => {
    const host = url.replace(/^\w+:\/\//, '').replace(/:\d+$/, '');
    const member = host === '127.0.0.1' || host === 'localhost' ? sim.datastore.member(node.name) : sim.datastore.members.find((m) => clientUrl(m).includes(`//${host}:`));
    return { url, member };
  });
}

// Whether a member answers (it is up; a write needs quorum as well).
function answers(sim: LabSim, m: Member | undefined): boolean {
  return m !== undefined && m.up && sim.node(m.node)?.up === true;
}

function version(sim: LabSim): string {
  return (ETCD_IMAGE[minorOf(sim.clusterVersion)] ?? '3.5.16-0').replace(/-\d+$/, '');
}

// etcdctl member list [-w json].
export function memberList(sim: LabSim, w: string): ToolResult {
  if (!sim.datastore.hasQuorum()) return fail(1, DEADLINE);
  const members = sim.datastore.members;
  if (w === 'json') return ok(`${JSON.stringify({ members: members.map((m) => ({ ID: m.id, name: m.node, peerURLs: [m.address], clientURLs: [clientUrl(m)] })) })}\n`);
  if (w === 'table') {
    const rows = members.map((m) => `| ${m.id} | started | ${m.node} | ${m.address} | ${clientUrl(m)} |      false |`);
    return ok(text(['+------------------+---------+-------+----------------------------+----------------------------+------------+', '|        ID        | STATUS  | NAME  |         PEER ADDRS         |        CLIENT ADDRS        | IS LEARNER |', '+------------------+---------+-------+----------------------------+----------------------------+------------+', ...rows, '+------------------+---------+-------+----------------------------+----------------------------+------------+']));
  }
  return ok(text(members.map((m) => `${m.id}, started, ${m.node}, ${m.address}, ${clientUrl(m)}, false`)));
}

// etcdctl endpoint health [--cluster] [--endpoints=…] [-w json]: healthy when the member answers and commits (quorum).
export function endpointHealth(sim: LabSim, node: NodeSim, args: string[], w: string): ToolResult {
  const results = endpoints(sim, node, args).map(({ url, member }) => {
    const up = answers(sim, member);
    const health = up && sim.datastore.hasQuorum();
    const error = !up ? 'context deadline exceeded' : health ? '' : 'failed to commit proposal: context deadline exceeded';
    return { endpoint: url, health, took: health ? '2.1ms' : '5.000845123s', ...(error ? { error } : {}) };
  });
  const bad = results.filter((r) => !r.health);
  if (w === 'json') return { stdout: `${JSON.stringify(results)}\n`, stderr: bad.length ? 'Error: unhealthy cluster\n' : '', rc: bad.length ? 1 : 0 };
  const good = results.filter((r) => r.health).map((r) => `${r.endpoint} is healthy: successfully committed proposal: took = ${r.took}`);
  const errs = bad.map((r) => `${r.endpoint} is unhealthy: ${r.error?.startsWith('failed') ? r.error : `failed to commit proposal: ${r.error ?? ''}`}`);
  return { stdout: text(good), stderr: bad.length ? text([...errs, 'Error: unhealthy cluster']) : '', rc: bad.length ? 1 : 0 };
}

// etcdctl endpoint status [--cluster] [--endpoints=…] [-w json]: one row per answering member.
export function endpointStatus(sim: LabSim, node: NodeSim, args: string[], w: string): ToolResult {
  if (!sim.datastore.hasQuorum()) return fail(1, 'Error: context deadline exceeded');
  const rv = sim.store.resourceVersion;
  const list = endpoints(sim, node, args);
  const up = list.filter((e) => answers(sim, e.member));
  const errs = list.filter((e) => !answers(sim, e.member)).map((e) => `{"level":"warn","ts":"${new Date().toISOString()}","caller":"flags/flag.go:93","msg":"Failed to get the status of endpoint ${e.url} (context deadline exceeded)"}`);
  const rc = errs.length ? 1 : 0;
  const leader = sim.datastore.leader;
  if (w === 'json') {
    const leaderId = sim.datastore.member(leader ?? '')?.id ?? '0';
    const json = up.map((e) => ({ Endpoint: e.url, Status: { header: { member_id: e.member?.id, revision: Number(rv), raft_term: 4 }, version: version(sim), dbSize: 25_165_824, leader: leaderId, raftIndex: Number(rv), raftTerm: 4, raftAppliedIndex: Number(rv) } }));
    return { stdout: `${JSON.stringify(json)}\n`, stderr: text(errs), rc };
  }
  const rows = up.map((e) => `${e.url}, ${e.member?.id ?? ''}, ${version(sim)}, 25 MB, ${leader === e.member?.node}, false, 4, ${rv}, ${rv}, `);
  return { stdout: text(rows), stderr: text(errs), rc };
}
