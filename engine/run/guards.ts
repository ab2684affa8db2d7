// Guard conditions, checked on the host right before an action (and before each retry):
// journal, alerts, nodes_ready, quorum, command, that. All must hold; a tripped guard stops
// the action, fails the host with the evidence, and (with `wait:`) is re-checked until it
// clears or the time runs out.
import { waitUntil, type Look } from '../shared/wait.js';
import { evaluateCondition, isUndefined, templateValue } from '../expr/index.js';
import { shellLine, sh } from '../connection/command.js';
import type { ExecOptions, ExecResult } from '../connection/types.js';
import type { Vars } from '../load/model.js';
import { parseDuration } from '../shared/duration.js';
import type { VarScope } from './scope.js';
import { readJournal } from '../cluster/journal.js';
import { checkAlerts, checkNodesReady, checkQuorumPeers, type PeerCheck } from './guard-cluster.js';

export interface GuardVerdict {
  ok: boolean;
  condition?: string;
  evidence?: string;
}

export interface GuardEnv {
  exec(cmd: ReturnType<typeof sh>, opts?: ExecOptions): Promise<ExecResult>;
  scope: VarScope;
  host: string;
  signal: AbortSignal;
  /** members of the host's quorum groups other than itself, with a way to run a command on each */
  peers: PeerCheck[];
  onWait(condition: string, evidence: string, remainingS: number): void;
}

const CONDITIONS = ['journal', 'alerts', 'nodes_ready', 'quorum', 'command', 'that'] as const;

function rendered(v: unknown, scope: VarScope): unknown {
  const r = templateValue(v, scope);
  return isUndefined(r) ? undefined : r;
}

function hostVar(scope: VarScope, name: string): string | undefined {
  const v = scope.get(name);
  return isUndefined(v) || v === undefined || v === null ? undefined : String(v);
}

// Checks every condition once; the first tripped one is returned with its evidence.
async function checkOnce(raw: Vars, env: GuardEnv): Promise<GuardVerdict> {
  for (const name of CONDITIONS) {
    if (raw[name] === undefined) continue;
    const cfg = name === 'that' ? raw[name] : rendered(raw[name], env.scope);
    let v: GuardVerdict;
    switch (name) {
      case 'journal': {
        const j = (cfg ?? {}) as Vars;
        const since = parseDuration(j['since'] ?? '10m') ?? 600;
        const max = Number(j['max_matches'] ?? 0);
        const r = await readJournal({ query: (c) => env.exec(c) }, { unit: j['unit'] === undefined ? [] : ([] as unknown[]).concat(j['unit']).map(String), pattern: String(j['pattern']), since: `${since}s`, maxLines: 5 });
        v = r.count > max ? { ok: false, condition: 'journal', evidence: `${r.count} line(s) matching /${String(j['pattern'])}/${j['unit'] ? ` in ${String(j['unit'])}` : ''} over the last ${String(j['since'] ?? '10m')} (max ${max}):\n${r.lines.join('\n')}` } : { ok: true };
        break;
      }
      case 'alerts':
        v = await checkAlerts((cfg ?? {}) as Vars, env.signal);
        break;
      case 'nodes_ready':
        v = await checkNodesReady(cfg, hostVar(env.scope, 'tsplay_kubeconfig'), hostVar(env.scope, 'tsplay_kube_context'), env.host);
        break;
      case 'quorum':
        v = await checkQuorumPeers(env.peers, hostVar(env.scope, 'tsplay_kubeconfig'), hostVar(env.scope, 'tsplay_kube_context'));
        break;
      case 'command': {
        const r = await env.exec(shellLine(String(cfg)));
        v = r.rc === 0 ? { ok: true } : { ok: false, condition: 'command', evidence: `\`${String(cfg)}\` exited ${r.rc}: ${(r.stderr || r.stdout).trim().split('\n').slice(0, 10).join('\n')}` };
        break;
      }
      case 'that': {
        const list = Array.isArray(cfg) ? cfg : [cfg];
        const bad = list.find((c) => !evaluateCondition(c, env.scope));
        v = bad === undefined ? { ok: true } : { ok: false, condition: 'that', evidence: `${String(bad)} is false` };
        break;
      }
    }
    if (!v.ok) return v;
  }
  return { ok: true };
}

// Evaluates a task's guard, waiting up to guard.wait while tripped: re-checked every guard.interval
// when given, else soon at first and then less often (0.25 s growing to 15 s).
export async function evaluateGuard(raw: Vars, env: GuardEnv): Promise<GuardVerdict> {
  const wait = parseDuration(rendered(raw['wait'], env.scope) ?? 0) ?? 0;
  const given = raw['interval'] === undefined ? undefined : parseDuration(rendered(raw['interval'], env.scope));
  const intervalMs = given === undefined ? undefined : Math.max(50, given * 1000);
  let last: GuardVerdict = { ok: true };
  const look = async (): Promise<Look> => {
    try {
      last = await checkOnce(raw, env);
    } catch (e) {
      last = { ok: false, condition: 'guard', evidence: `guard could not be evaluated: ${(e as Error).message}` };
    }
    return last.ok ? { ok: true } : { ok: false, why: last.evidence ?? '' };
  };
  await waitUntil(look, {
    timeoutS: wait,
    signal: env.signal,
    minIntervalMs: intervalMs ?? 250,
    maxIntervalMs: intervalMs ?? 15_000,
    onWait: (_why, remaining) => env.onWait(last.condition ?? 'guard', last.evidence ?? '', remaining),
  });
  return last;
}
