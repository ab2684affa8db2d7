// pause: waits a number of seconds/minutes (or, interactively, for Enter).
import { setTimeout as sleep } from 'node:timers/promises';
import { defineModule } from '../engine/module.js';
import { pyTime } from './lib/command-result.js';

// The pause arguments.
export const schema = {
  type: 'object',
  properties: {
    seconds: { type: ['integer', 'string'], description: 'seconds to wait' },
    minutes: { type: ['integer', 'string'], description: 'minutes to wait' },
    prompt: { type: 'string', description: 'message shown while waiting' },
    echo: { type: 'boolean', description: 'accepted for compatibility' },
  },
  additionalProperties: false,
} as const;

export default defineModule({
  name: 'pause',
  summary: 'Wait for a while (a soak period between nodes)',
  schema,
  freeForm: 'kv',
  checkMode: 'reports how long it would wait and does not wait (a deliberate difference from Ansible: a --check of a rolling playbook does not sit through its soak periods)',
  bypassHostLoop: true,
  example: '- name: soak\n  pause:\n    minutes: 5',
  async action(ctx, args) {
    const minutes = args.minutes !== undefined;
    let secs = Number(args.seconds ?? 0) + Number(args.minutes ?? 0) * 60;
    if (Number.isNaN(secs)) return { failed: true, changed: false, msg: 'seconds/minutes must be numbers' };
    if ((args.seconds !== undefined || minutes) && secs < 1) secs = 1;
    const start = new Date();
    if (ctx.checkMode && secs > 0) {
      const shown = minutes ? `${Number(args.minutes)}.0 minutes` : `${secs}.0 seconds`;
      ctx.progress(`would pause ${secs}s (not waited in check mode)`, { kind: 'pause', seconds: secs });
      return { changed: false, delta: 0, echo: true, rc: 0, start: pyTime(start), stderr: '', stdout: `Would pause for ${shown} (not waited in check mode)`, stop: pyTime(start), user_input: '', msg: `would pause for ${shown}; not waited in check mode` };
    }
    if (secs > 0) {
      ctx.progress(`pausing ${secs}s`, { kind: 'pause', seconds: secs });
      try {
        await sleep(secs * 1000, undefined, { signal: ctx.signal });
      } catch {
        return { failed: true, changed: false, msg: 'pause interrupted' };
      }
    }
    const stop = new Date();
    const shown = minutes ? `${Number(args.minutes)}.0 minutes` : `${secs}.0 seconds`;
    return { changed: false, delta: Math.round((stop.getTime() - start.getTime()) / 1000), echo: true, rc: 0, start: pyTime(start), stderr: '', stdout: `Paused for ${shown}`, stop: pyTime(stop), user_input: '' };
  },
});
