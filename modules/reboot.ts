// reboot: reboots the host and waits until it is back: the boot id must change (a new
// boot, not the old one still shutting down), then test_command must succeed, all within
// reboot_timeout. Like ansible's reboot; check mode reports changed without rebooting. With
// `node` (tsplay), it also waits until that Kubernetes Node is Ready with a kubelet heartbeat from
// the new boot, and reports the boot ids before and after and the seconds to Ready.
import { setTimeout as sleep } from 'node:timers/promises';
import { raw, sh, shellLine, type ShellCommand } from '../engine/connection/command.js';
import { ConnectionError, type ExecResult } from '../engine/connection/types.js';
import { defineModule, type ApplyContext, type ArgsOf, type ModuleResult } from '../engine/module.js';
import { nodeMark, waitNodeBack } from './lib/reboot-node.js';

// The reboot arguments.
export const schema = {
  type: 'object',
  properties: {
    reboot_timeout: { type: ['integer', 'string'], default: 600, description: 'seconds to wait for the host to go down, boot and pass test_command' },
    connect_timeout: { type: ['integer', 'string'], default: 10, description: 'seconds for each connection attempt while waiting' },
    test_command: { type: 'string', default: 'whoami', description: 'a command that must succeed once the host is back' },
    pre_reboot_delay: { type: ['integer', 'string'], default: 0, description: 'seconds to wait before rebooting (shutdown -r +minutes for the default command)' },
    post_reboot_delay: { type: ['integer', 'string'], default: 0, description: 'seconds to wait after the reboot command before checking' },
    msg: { type: 'string', default: 'Reboot initiated by tsplay', description: 'message for logged-in users (default command)' },
    reboot_command: { type: 'string', description: 'command that reboots the host (default: shutdown -r 0 MSG)' },
    boot_time_command: { type: 'string', default: 'cat /proc/sys/kernel/random/boot_id', description: 'prints something that changes with every boot' },
    search_paths: { type: 'array', items: { type: 'string' }, description: 'accepted for compatibility; shutdown is found through PATH' },
    node: { type: 'string', description: 'tsplay: the Kubernetes Node this host is; after the boot, wait (within reboot_timeout) until it is Ready and its kubelet has renewed its kube-node-lease Lease since the reboot (the API takes writes again), and report ready_after_s' },
    kubeconfig: { type: 'string', description: 'tsplay, with node: the kubeconfig on the controller (default: host var tsplay_kubeconfig)' },
    context: { type: 'string', description: 'tsplay, with node: the kubeconfig context (default: host var tsplay_kube_context)' },
  },
  additionalProperties: false,
} as const;

type RebootArgs = ArgsOf<typeof schema>;

// A seconds argument as a number; '' (an empty template result) counts as not given.
function secs(a: RebootArgs, key: 'reboot_timeout' | 'connect_timeout' | 'pre_reboot_delay' | 'post_reboot_delay'): number {
  return Number(a[key] === '' ? schema.properties[key].default : a[key]);
}

// One try at running a command on a freshly opened connection.
export type Attempt = { ok: true; result: ExecResult } | { ok: false; error: string };

// Runs `cmd` on a freshly re-opened connection, the connect and the command both bounded
// by `timeoutMs`; a transport failure is a result (the host is down), not an exception.
export async function tryFresh(ctx: ApplyContext, cmd: ShellCommand, timeoutMs: number): Promise<Attempt> {
  const limit = new AbortController();
  const timer = setTimeout(() => limit.abort(), timeoutMs);
  try {
    const conn = await ctx.reconnect({ timeoutMs });
    const result = await conn.exec(cmd, { ...ctx.execDefaults, timeoutMs, signal: AbortSignal.any([ctx.signal, limit.signal]) });
    if (result.timedOut) return { ok: false, error: `timed out after ${Math.round(timeoutMs / 1000)}s` };
    return { ok: true, result };
  } catch (e) {
    if (e instanceof ConnectionError) return { ok: false, error: e.message };
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

// Waits between attempts: 0.5 s doubling up to 5 s, never past the deadline.
export async function backoff(ctx: ApplyContext, attempt: number, deadline: number): Promise<void> {
  const ms = Math.min(5000, 500 * 2 ** Math.min(attempt, 4), Math.max(0, deadline - Date.now()));
  if (ms > 0) await sleep(ms, undefined, { signal: ctx.signal });
}

function rebootCommand(a: RebootArgs): ShellCommand {
  if (a.reboot_command !== undefined) return shellLine(a.reboot_command);
  const minutes = Math.floor(secs(a, 'pre_reboot_delay') / 60);
  return sh`shutdown -r ${raw(minutes > 0 ? `+${minutes}` : '0')} ${a.msg}`;
}

async function reboot(ctx: ApplyContext, a: RebootArgs): Promise<ModuleResult> {
  if (ctx.connection.transport === 'local') return { failed: true, changed: false, rebooted: false, msg: 'Running reboot with local connection would reboot the control node.' };
  const start = Date.now();
  const elapsed = () => Math.round((Date.now() - start) / 1000);
  const timeoutS = secs(a, 'reboot_timeout');
  const connectMs = secs(a, 'connect_timeout') * 1000;
  const bootCmd = shellLine(a.boot_time_command);
  const before = await ctx.host_.run(bootCmd);
  if (before.rc !== 0) return { failed: true, changed: false, rebooted: false, msg: `Failed to get the boot time: ${before.stderr.trim() || `exit status ${before.rc}`}` };
  const oldBoot = before.stdout.trim();
  if (a.reboot_command !== undefined && secs(a, 'pre_reboot_delay') > 0) await sleep(secs(a, 'pre_reboot_delay') * 1000, undefined, { signal: ctx.signal });
  const mark = a.node ? await nodeMark(ctx, a, a.node) : undefined;
  ctx.progress('issuing the reboot command', { kind: 'reboot', phase: 'reboot' });
  try {
    const r = await ctx.host_.run(rebootCommand(a), { timeoutMs: Math.max(connectMs, 30_000) });
    if (r.rc !== 0 && !r.timedOut) return { failed: true, changed: false, rebooted: false, rc: r.rc, msg: `Reboot command failed. Error was: '${r.stdout.trim()}, ${r.stderr.trim()}'` };
  } catch (e) {
    if (!(e instanceof ConnectionError)) throw e;
  }
  if (secs(a, 'post_reboot_delay') > 0) await sleep(secs(a, 'post_reboot_delay') * 1000, undefined, { signal: ctx.signal });
  const deadline = start + timeoutS * 1000;
  let downSince: number | undefined;
  let last = 'no attempt made';
  let newBoot = '';
  for (let i = 0; ; i++) {
    const left = deadline - Date.now();
    if (left <= 0) return { failed: true, changed: true, rebooted: true, elapsed: elapsed(), msg: `Timed out waiting for last boot time check (timeout=${timeoutS}): ${last}` };
    const at = await tryFresh(ctx, bootCmd, Math.min(connectMs, left));
    if (at.ok && at.result.rc === 0 && at.result.stdout.trim() !== oldBoot) {
      newBoot = at.result.stdout.trim();
      break;
    }
    last = at.ok ? (at.result.rc === 0 ? 'the boot id has not changed yet' : `boot_time_command exited ${at.result.rc}: ${at.result.stderr.trim()}`) : at.error;
    if (!at.ok) downSince ??= Date.now();
    const status = downSince === undefined ? `waiting for the host to go down (${elapsed()}s)` : `down ${Math.round((Date.now() - downSince) / 1000)}s, waiting for boot`;
    ctx.progress(status, { kind: 'reboot', phase: downSince === undefined ? 'going-down' : 'down', attempt: i });
    await backoff(ctx, i, deadline);
  }
  const testCmd = shellLine(a.test_command);
  for (let i = 0; ; i++) {
    ctx.progress(`up after ${elapsed()}s, running the test command`, { kind: 'reboot', phase: 'test', attempt: i });
    const at = await tryFresh(ctx, testCmd, Math.min(connectMs, Math.max(1000, deadline - Date.now())));
    if (at.ok && at.result.rc === 0) return back(ctx, a, { start, deadline, oldBoot, newBoot, upS: elapsed(), mark });
    last = at.ok ? `exited ${at.result.rc}: ${at.result.stderr.trim()}` : at.error;
    if (Date.now() >= deadline) return { failed: true, changed: true, rebooted: true, elapsed: elapsed(), msg: `Timed out waiting for post-reboot test command (timeout=${timeoutS}): ${last}` };
    await backoff(ctx, i, deadline);
  }
}

const short = (id: string) => id.slice(0, 8);

// The host is back: the result, after the Node's Ready wait when `node` is given.
async function back(ctx: ApplyContext, a: RebootArgs, o: { start: number; deadline: number; oldBoot: string; newBoot: string; upS: number; mark: Awaited<ReturnType<typeof nodeMark>> | undefined }): Promise<ModuleResult> {
  const res: ModuleResult = { changed: true, rebooted: true, elapsed: o.upS, boot_id_before: o.oldBoot, boot_id_after: o.newBoot };
  const summary = `boot ${short(o.oldBoot)} -> ${short(o.newBoot)}, up after ${o.upS}s`;
  if (!a.node || !o.mark) return { ...res, _tsplay_report: { summary, boot_id_before: o.oldBoot, boot_id_after: o.newBoot, up_after_s: o.upS } };
  const w = await waitNodeBack(ctx, a, a.node, o.mark, o.deadline);
  const readyS = Math.round((Date.now() - o.start) / 1000);
  const report = { summary: w.ok ? `${summary}, node ${a.node} Ready after ${readyS}s` : summary, boot_id_before: o.oldBoot, boot_id_after: o.newBoot, up_after_s: o.upS, ...(w.ok ? { ready_after_s: readyS } : {}) };
  if (!w.ok) return { ...res, node: a.node, failed: true, msg: `the host is back (${summary}) but node ${a.node} is not: ${w.why} (timeout=${secs(a, 'reboot_timeout')})`, _tsplay_report: report };
  return { ...res, node: a.node, ready_after_s: readyS, lease_renewed: w.lease, _tsplay_report: report };
}

// The reboot module (registered in modules/index.ts).
export default defineModule({
  name: 'reboot',
  summary: 'Reboot the host, wait for it to come back with a new boot id, then run a test command',
  schema,
  freeForm: 'kv',
  checkMode: 'reports changed (rebooted: true) without rebooting',
  example: '- reboot:\n    reboot_timeout: 900\n    test_command: systemctl is-system-running --wait',
  disruptive: () => ({ kind: 'reboot', what: 'reboot', datastore: true }),
  async probe(ctx, args) {
    // check mode: later steps see the node as rebooting (a Ready wait after it would wait)
    if (ctx.checkMode && args.node) ctx.checkState?.set(`node/${args.node}/rebooted`, true);
    const now = ctx.checkMode ? await ctx.host_.query(shellLine(args.boot_time_command)) : undefined;
    const boot = now && now.rc === 0 ? now.stdout.trim() : undefined;
    const report = { summary: `would reboot${boot ? ` (boot ${short(boot)})` : ''}${args.node ? ` and wait for node ${args.node} Ready` : ''}`, ...(boot ? { boot_id_before: boot } : {}) };
    return { changed: true, checkResult: { changed: true, elapsed: 0, rebooted: true, ...(boot ? { boot_id_before: boot } : {}), _tsplay_report: report }, apply: (ctx) => reboot(ctx, args) };
  },
});
