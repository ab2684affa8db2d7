// Connects the run's safety to the run: host variables and connections (identity probes and
// datastore reads run read-only over the hosts' own connections, as root through the host's
// become settings), the event stream, and the run lock.
import { shellLine } from '../../connection/command.js';
import type { BecomeSpec } from '../../connection/types.js';
import { isUndefined } from '../../expr/index.js';
import type { RunContext } from '../context.js';
import { targetSpec } from '../task-env.js';
import type { VarsBuilder } from '../vars.js';
import type { Cluster } from './clusters.js';
import { SafetyRun } from './index.js';

// The SafetyRun of a run; `ensureLock` takes the run lock before a cluster's first disruption.
export function createSafety(ctx: RunContext, vars: VarsBuilder, ensureLock: (c: Cluster) => Promise<void>): SafetyRun {
  const env = { ctx, vars };
  const scope = (h: string) => vars.scope(undefined, h);
  const get = (h: string, name: string): string | undefined => {
    const v = scope(h).get(name);
    return isUndefined(v) || v === undefined || v === null || v === '' ? undefined : String(v);
  };
  const become = (h: string): BecomeSpec => {
    const b: BecomeSpec = { user: get(h, 'ansible_become_user') ?? 'root', method: (get(h, 'ansible_become_method') ?? ctx.options.becomeMethod ?? 'sudo') as BecomeSpec['method'] };
    const pw = get(h, 'ansible_become_password') ?? get(h, 'ansible_become_pass');
    if (pw) b.password = pw;
    return b;
  };
  return new SafetyRun({
    scope,
    address: (h) => targetSpec(env, h, h, scope(h)).address,
    run: async (h, cmd, root) => {
      const spec = targetSpec(env, h, h, scope(h));
      const r = await ctx.pool.get(spec).exec(shellLine(cmd), { timeoutMs: 30_000, ...(root && !isRootLogin(spec.user) ? { become: become(h) } : {}), ...(ctx.options.signal ? { signal: ctx.options.signal } : {}) });
      return { rc: r.rc, stdout: r.stdout, stderr: r.stderr };
    },
    nodeRoot: (h) => get(h, 'tsplay_node_root') ?? '',
    declaredMember: (h) => ctx.quorumGroups.some((g) => g.members.includes(h)),
    allowUnsafe: new Set(ctx.options.allowUnsafe ?? []),
    ...(ctx.options.selfNode || process.env['TSPLAY_NODE_NAME'] ? { selfName: (ctx.options.selfNode ?? process.env['TSPLAY_NODE_NAME']) as string } : {}),
    note: (n) => ctx.emit({ type: 'safety', ...n }),
    ensureLock,
    ...(ctx.options.inCluster?.handoff ? { handoff: (node: string, host: string) => handoff(ctx, node, host) } : {}),
  });
}

// Self-deferral: the successor Job is created (the journal checkpointed first), then the run stops
// before its next task, exit 0; the disruption on this node is left to the successor.
async function handoff(ctx: RunContext, node: string, host: string): Promise<string> {
  if (ctx.handedOff) return ctx.handedOff;
  const msg = await (ctx.options.inCluster?.handoff as (n: string, h: string) => Promise<string>)(node, host);
  ctx.handedOff = msg;
  ctx.halt(msg);
  ctx.emit({ type: 'safety', check: 'self-preemption', status: 'info', host, node, msg });
  return msg;
}

function isRootLogin(user: string | undefined): boolean {
  return user === 'root';
}
