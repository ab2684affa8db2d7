// wait_for_connection: re-opens the connection to the host until a command runs there
// (after a reboot, or for hosts still booting), like ansible's wait_for_connection.
import { setTimeout as sleep } from 'node:timers/promises';
import { sh } from '../engine/connection/command.js';
import { defineModule, type ApplyContext, type ArgsOf, type ModuleResult } from '../engine/module.js';
import { backoff, tryFresh } from './reboot.js';

// The wait_for_connection arguments.
export const schema = {
  type: 'object',
  properties: {
    timeout: { type: ['integer', 'string'], default: 600, description: 'seconds before failing' },
    delay: { type: ['integer', 'string'], default: 0, description: 'seconds to wait before the first attempt' },
    sleep: { type: ['integer', 'string'], description: 'seconds between attempts (default: back off from 0.5 s up to 5 s)' },
    connect_timeout: { type: ['integer', 'string'], default: 5, description: 'seconds for one connection attempt' },
  },
  additionalProperties: false,
} as const;

type WaitArgs = ArgsOf<typeof schema>;

// A seconds argument as a number; '' (an empty template result) counts as not given.
function secs(a: WaitArgs, key: 'timeout' | 'delay' | 'connect_timeout'): number {
  return Number(a[key] === '' ? schema.properties[key].default : a[key]);
}

async function waitForConnection(ctx: ApplyContext, a: WaitArgs): Promise<ModuleResult> {
  const start = Date.now();
  const elapsed = () => Math.round((Date.now() - start) / 1000);
  const timeoutS = secs(a, 'timeout');
  const connectMs = secs(a, 'connect_timeout') * 1000;
  const pauseS = a.sleep === undefined ? undefined : a.sleep === '' ? 1 : Number(a.sleep);
  if (secs(a, 'delay') > 0) await sleep(secs(a, 'delay') * 1000, undefined, { signal: ctx.signal });
  const deadline = start + timeoutS * 1000;
  let last = 'no attempt made';
  for (let i = 0; ; i++) {
    const at = await tryFresh(ctx, sh`true`, Math.min(connectMs, Math.max(1000, deadline - Date.now())));
    if (at.ok && at.result.rc === 0) return { changed: false, elapsed: elapsed() };
    last = at.ok ? `the test command exited ${at.result.rc}: ${at.result.stderr.trim()}` : at.error;
    if (Date.now() >= deadline) return { failed: true, changed: false, elapsed: elapsed(), msg: `timed out waiting for ping module test: ${last}` };
    ctx.progress(`waiting for the connection (${elapsed()}s)`, { kind: 'wait_for_connection', attempt: i });
    if (pauseS === undefined) await backoff(ctx, i, deadline);
    else await sleep(Math.min(pauseS * 1000, Math.max(0, deadline - Date.now())), undefined, { signal: ctx.signal });
  }
}

// The wait_for_connection module (registered in modules/index.ts).
export default defineModule({
  name: 'wait_for_connection',
  summary: 'Wait until the host can be reached and runs a command again',
  schema,
  freeForm: 'kv',
  checkMode: 'skipped (as in ansible)',
  example: '- wait_for_connection:\n    delay: 10\n    timeout: 300',
  async probe(_ctx, args) {
    return {
      changed: true,
      checkResult: { changed: false, skipped: true, msg: 'wait_for_connection is skipped in check mode' },
      apply: (ctx) => waitForConnection(ctx, args),
    };
  },
});
