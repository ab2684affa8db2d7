// raw: sends a command line to the host's shell as is.
import { defineModule } from '../engine/module.js';
import { probeCommand, stringArg } from './lib/command-result.js';

// The raw arguments.
export const schema = {
  type: 'object',
  properties: { _raw_params: { type: 'string', description: 'the command line' }, executable: { type: 'string', description: 'accepted and ignored' } },
  required: ['_raw_params'],
  additionalProperties: false,
} as const;

export default defineModule({
  name: 'raw',
  shellText: (a) => stringArg(a['_raw_params']),
  summary: 'Run a raw command line on the host',
  schema,
  freeForm: 'raw',
  checkMode: 'skipped',
  example: '- raw: uptime',
  async probe(ctx, args) {
    const line = args._raw_params;
    const probe = await probeCommand(ctx.host_, { display: line, command: { text: line, display: line }, strip: false, exec: ctx.execDefaults }, ctx.checkMode);
    return { ...probe, checkResult: { skipped: true, msg: 'check mode not supported for this module', _tsplay_would_run: line } };
  },
});
