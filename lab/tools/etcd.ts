// etcdctl (and etcdutl) on kubeadm's control planes: member list, endpoint health/status, snapshot
// save/status. Snapshot files are written and read by the node's shell (the dispatcher runs a small
// sh script as the shell user), never by the lab process itself.
import type { NodeSim } from '../node.js';
import type { LabSim } from '../sim.js';
import type { ToolResult } from '../types.js';
import { endpointHealth, endpointStatus, memberList } from './etcd-endpoints.js';
import { fail, ok, text, type ToolFn } from './util.js';

const SAVE = `d=$(dirname "$1"); if [ ! -d "$d" ]; then echo "Error: could not open $1.part (open $1.part: no such file or directory)" >&2; exit 1; fi
{ printf 'tsplay lab etcd snapshot revision=%s keys=%s\\n' "$2" "$3"; head -c 24576 /dev/zero; } > "$1.part" && mv -f "$1.part" "$1" && echo "Snapshot saved at $1"`;

const STATUS = `if [ ! -f "$1" ]; then echo "Error: stat $1: no such file or directory" >&2; exit 1; fi
head -n 1 "$1" | grep -q '^tsplay lab etcd snapshot ' || { echo "Error: snapshot file integrity check failed. hash mismatch" >&2; exit 1; }
line=$(head -n 1 "$1"); rev=\${line#*revision=}; rev=\${rev%% *}; keys=\${line#*keys=}; size=$(wc -c < "$1")
case "$2" in
  json) printf '{"hash":%s,"revision":%s,"totalKey":%s,"totalSize":%s}\\n' 4261858126 "$rev" "$keys" "$size" ;;
  table) printf '+----------+----------+------------+------------+\\n|   HASH   | REVISION | TOTAL KEYS | TOTAL SIZE |\\n+----------+----------+------------+------------+\\n| fe05a34e | %8s | %10s | %7s kB |\\n+----------+----------+------------+------------+\\n' "$rev" "$keys" "$((size / 1000))" ;;
  *) printf 'fe05a34e, %s, %s, %s kB\\n' "$rev" "$keys" "$((size / 1000))" ;;
esac`;

function writeOut(args: string[]): string {
  const i = args.findIndex((a) => a === '-w' || a === '--write-out' || a.startsWith('--write-out=') || a.startsWith('-w='));
  if (i < 0) return 'simple';
  const a = args[i] as string;
  return a.includes('=') ? (a.split('=')[1] ?? 'simple') : (args[i + 1] ?? 'simple');
}

const VALUE_FLAGS = ['-w', '--write-out', '--endpoints', '--cacert', '--cert', '--key', '--dial-timeout', '--command-timeout', '--user', '--password'];

function positionals(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (VALUE_FLAGS.includes(a)) i++;
    else if (!a.startsWith('-')) out.push(a);
  }
  return out;
}

function snapshot(sim: LabSim, pos: string[], args: string[], healthy: boolean, deprecated: boolean): ToolResult {
  const file = pos[2];
  if (!file) return fail(1, `Error: snapshot ${pos[1] ?? ''} expects one argument`);
  if (pos[1] === 'save') {
    if (!healthy) return fail(1, '{"level":"warn","msg":"retrying of unary invoker failed","error":"context deadline exceeded"}\nError: context deadline exceeded');
    const info = `{"level":"info","ts":"${new Date().toISOString()}","caller":"snapshot/v3_snapshot.go:65","msg":"created temporary db file","path":"${file}.part"}\n`;
    return { stdout: '', stderr: info, rc: 0, exec: { file: '/bin/sh', args: ['-c', SAVE, 'etcdctl', file, sim.store.resourceVersion, String(sim.store.items('pods').length + sim.store.items('nodes').length + 40)] } };
  }
  if (pos[1] === 'status') {
    return { stdout: '', stderr: deprecated ? 'Deprecated: Use `etcdutl snapshot status` instead.\n\n' : '', rc: 0, exec: { file: '/bin/sh', args: ['-c', STATUS, 'etcdctl', file, writeOut(args)] } };
  }
  return fail(1, `Error: unknown command "snapshot ${pos[1] ?? ''}" for "etcdctl"`);
}

function isMember(sim: LabSim, node: NodeSim): boolean {
  return sim.kind === 'etcd' && sim.datastore.member(node.name) !== undefined;
}

// The etcdctl / etcdutl entry point.
export const etcdctl: ToolFn = (sim, node, call) => {
  if (!isMember(sim, node)) return fail(127, `sh: 1: ${call.tool}: not found`);
  const args = call.args;
  if (!call.root && (args.some((a) => a.startsWith('--key')) || call.tool === 'etcdctl')) return fail(1, 'Error: open /etc/kubernetes/pki/etcd/server.key: permission denied');
  const pos = positionals(args);
  const w = writeOut(args);
  const healthy = sim.datastore.hasQuorum();
  if (pos[0] === 'snapshot') return snapshot(sim, pos, args, healthy, call.tool === 'etcdctl');
  if (call.tool === 'etcdutl') return fail(1, `Error: unknown command "${pos.join(' ')}" for "etcdutl"`);
  if (pos[0] === 'member' && pos[1] === 'list') return memberList(sim, w);
  if (pos[0] === 'endpoint' && pos[1] === 'health') return endpointHealth(sim, node, args, w);
  if (pos[0] === 'endpoint' && pos[1] === 'status') return endpointStatus(sim, node, args, w);
  return fail(1, `Error: unknown command "${pos.join(' ')}" for "etcdctl"`);
};
