// debug: prints a message or a variable's value.
import { defineModule } from '../engine/module.js';

// The debug arguments (msg and var exclude each other).
export const schema = {
  type: 'object',
  properties: {
    msg: { default: 'Hello world!', description: 'the message to print' },
    var: { type: 'string', description: 'a variable name or expression whose value is printed (not templated with {{ }})' },
    verbosity: { type: 'integer', minimum: 0, default: 0, description: 'print only at this -v level or above' },
  },
  additionalProperties: false,
  not: { required: ['msg', 'var'] },
} as const;

export default defineModule({
  name: 'debug',
  factsAs: 'none',
  alwaysShowsResult: true,
  summary: 'Print a message or the value of a variable or expression',
  schema,
  freeForm: 'kv',
  rawArgs: ['var'],
  checkMode: 'runs as usual (prints)',
  example: '- debug:\n    msg: "batch {{ ansible_play_batch | join(\',\') }}"',
  async action(ctx, args) {
    if (args.verbosity > ctx.verbosity) return { skipped: true, skipped_reason: 'Verbosity threshold not met.', changed: false };
    if (args.var !== undefined) {
      // var="{{ x }}" is templated first (ansible-core templates every argument), its text then
      // evaluated as the expression; a written expression is evaluated as it is
      const templated = /\{\{|\{%/.test(args.var);
      const name = templated ? String(ctx.render(args.var)) : args.var;
      let value: unknown;
      try {
        value = ctx.evaluate(name);
      } catch (e) {
        // an undefined name prints as such; another error in a written expression fails the task,
        // as in ansible-core (a templated one's text is data: it prints as not defined)
        if (!templated && (e as Error | undefined)?.name !== 'UndefinedVariableError') throw e;
        value = ctx.verbosity > 0 ? `VARIABLE IS NOT DEFINED!: ${(e as Error).message}` : 'VARIABLE IS NOT DEFINED!';
      }
      return { [name]: value, changed: false };
    }
    return { msg: args.msg, changed: false };
  },
});
