// ping: checks the host can be reached and can run a command.
import { sh } from '../engine/connection/command.js';
import { defineModule } from '../engine/module.js';

// The ping arguments.
export const schema = {
  type: 'object',
  properties: { data: { type: 'string', default: 'pong', description: 'what to return ("crash" fails)' } },
  additionalProperties: false,
} as const;

export default defineModule({
  name: 'ping',
  summary: 'Check the host answers (returns pong)',
  schema,
  freeForm: 'kv',
  checkMode: 'runs as usual',
  example: '- ping:',
  async probe(ctx, args) {
    const r = await ctx.host_.query(sh`true`);
    if (r.rc !== 0) return { changed: false, failed: `ping command failed: ${r.stderr.trim()}` };
    if (args.data === 'crash') return { changed: false, failed: 'boom', result: { rc: 1 } };
    return { changed: false, result: { ping: args.data, changed: false } };
  },
});
