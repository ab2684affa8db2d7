// wait_for: waits, on the host, for a TCP port to open/close or a file to appear/vanish.
import { setTimeout as sleep } from 'node:timers/promises';
import { sh, type ShellCommand } from '../engine/connection/command.js';
import { defineModule, type ArgsOf, type HostReader } from '../engine/module.js';
import { compilePyRe } from '../engine/py/regex.js';

// The wait_for arguments.
export const schema = {
  type: 'object',
  properties: {
    host: { type: 'string', default: '127.0.0.1', description: 'address to check the port on, as seen from the host' },
    port: { type: ['integer', 'string'], description: 'TCP port' },
    path: { type: 'string', description: 'file that must exist (or vanish)' },
    state: { enum: ['started', 'present', 'stopped', 'absent', 'drained'], default: 'started', description: 'started/present: wait until open/exists; stopped/absent: until closed/gone' },
    search_regex: { type: 'string', description: 'with path: wait until the file content matches' },
    timeout: { type: ['integer', 'string'], default: 300, description: 'seconds before failing' },
    delay: { type: ['integer', 'string'], default: 0, description: 'seconds to wait before the first check' },
    sleep: { type: ['integer', 'string'], default: 1, description: 'seconds between checks' },
    connect_timeout: { type: ['integer', 'string'], default: 5, description: 'seconds for one connection attempt' },
    msg: { type: 'string', description: 'message on timeout' },
  },
  additionalProperties: false,
} as const;

type WaitForArgs = ArgsOf<typeof schema>;
type State = WaitForArgs['state'];

export default defineModule({
  name: 'wait_for',
  summary: 'Wait (checking from the host) for a port or a file',
  schema,
  freeForm: 'kv',
  checkMode: 'waits as usual (read-only)',
  example: '- wait_for:\n    port: 16443\n    timeout: 120',
  async probe(ctx, a) {
    const state = a.state;
    const timeout = Number(a.timeout);
    const interval = Math.max(0.05, Number(a.sleep));
    const host = a.host;
    const start = Date.now();
    const elapsed = () => Math.floor((Date.now() - start) / 1000);
    if (Number(a.delay) > 0) await sleep(Number(a.delay) * 1000, undefined, { signal: ctx.signal });
    const wantUp = state === 'started' || state === 'present';
    const check = buildCheck(a, host);
    if (!check) {
      // neither a port nor a path: wait_for just sleeps for `timeout` seconds (as in Ansible)
      await sleep(Math.max(0, timeout) * 1000, undefined, { signal: ctx.signal });
      return { changed: false, result: { changed: false, elapsed: elapsed() } };
    }
    const re = a.search_regex !== undefined ? compilePyRe(a.search_regex, { multiline: true, ascii: true }) : undefined;
    for (let attempt = 0; ; attempt++) {
      const up = await isUp(ctx.host_, check, re);
      if (up.ok === wantUp) {
        const res: Record<string, unknown> = { changed: false, elapsed: elapsed(), state };
        if (a.port !== undefined) res['port'] = Number(a.port);
        if (a.path !== undefined) res['path'] = a.path;
        if (up.match) {
          res['match_groups'] = up.match.slice(1);
          res['match_groupdict'] = up.match.groups ?? {};
        }
        return { changed: false, result: res };
      }
      if ((Date.now() - start) / 1000 >= timeout) break;
      ctx.progress(`waiting for ${describe(a, host)} (${elapsed()}s)`, { kind: 'wait_for', attempt });
      try {
        await sleep(interval * 1000, undefined, { signal: ctx.signal });
      } catch {
        break;
      }
    }
    const msg = a.msg ?? timeoutMessage(a, host, state);
    return { changed: false, failed: msg, result: { elapsed: elapsed() } };
  },
});

function describe(a: WaitForArgs, host: string): string {
  return a.path !== undefined ? a.path : `${host}:${String(a.port)}`;
}

function timeoutMessage(a: WaitForArgs, host: string, state: State): string {
  if (a.path !== undefined) {
    if (state === 'absent' || state === 'stopped') return `Timeout when waiting for ${a.path} to be absent.`;
    if (a.search_regex !== undefined) return `Timeout when waiting for search string ${a.search_regex} in ${a.path}`;
    return `Timeout when waiting for file ${a.path}`;
  }
  if (state === 'stopped' || state === 'drained') return `Timeout when waiting for ${host}:${String(a.port)} to stop.`;
  return `Timeout when waiting for ${host}:${String(a.port)}`;
}

interface Check {
  cmd: ShellCommand;
  readsContent: boolean;
}

function buildCheck(a: WaitForArgs, host: string): Check | undefined {
  if (a.path !== undefined) {
    const p = a.path;
    if (a.search_regex !== undefined) return { cmd: sh`[ -e ${p} ] && cat -- ${p}`, readsContent: true };
    return { cmd: sh`[ -e ${p} ]`, readsContent: false };
  }
  if (a.port !== undefined) {
    const ct = Number(a.connect_timeout);
    const probe = `exec 3<>/dev/tcp/${host}/${Number(a.port)}`;
    return {
      cmd: sh`if command -v bash >/dev/null 2>&1; then timeout ${ct} bash -c ${probe} 2>/dev/null; else nc -z -w ${ct} ${host} ${Number(a.port)} 2>/dev/null; fi`,
      readsContent: false,
    };
  }
  return undefined;
}

async function isUp(host: HostReader, check: Check, re: RegExp | undefined): Promise<{ ok: boolean; match?: RegExpExecArray }> {
  const r = await host.query(check.cmd);
  if (r.rc !== 0) return { ok: false };
  if (check.readsContent && re) {
    const m = re.exec(r.stdout);
    return m ? { ok: true, match: m } : { ok: false };
  }
  return { ok: true };
}
