// debug: prints a message or a variable's value.
import { defineModule } from '../engine/module.js';

export default defineModule({
  name: 'debug',
  factsAs: 'none',
  alwaysShowsResult: true,
  aliases: ['ansible.builtin.debug', 'ansible.legacy.debug'],
  summary: 'Print a message or the value of a variable or expression',
  schema: {
    type: 'object',
    properties: {
      msg: { description: 'the message to print (default "Hello world!")' },
      var: { type: 'string', description: 'a variable name or expression whose value is printed (not templated with {{ }})' },
      verbosity: { type: 'integer', minimum: 0, description: 'print only at this -v level or above' },
    },
    additionalProperties: false,
    not: { required: ['msg', 'var'] },
  },
  freeForm: 'kv',
  rawArgs: ['var'],
  checkMode: 'runs as usual (prints)',
  example: '- debug:\n    msg: "batch {{ ansible_play_batch | join(\',\') }}"',
  async action(ctx, args) {
    const a = args as Record<string, unknown>;
    if (Number(a['verbosity'] ?? 0) > ctx.verbosity) return { skipped: true, skipped_reason: 'Verbosity threshold not met.', changed: false };
    if (a['var'] !== undefined) {
      const name = String(a['var']);
      let value: unknown;
      try {
        value = ctx.evaluate(name);
      } catch {
        value = 'VARIABLE IS NOT DEFINED!';
      }
      return { [name]: value, changed: false };
    }
    return { msg: a['msg'] === undefined ? 'Hello world!' : a['msg'], changed: false };
  },
});
