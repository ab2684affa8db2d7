// assert: fails the host unless every condition holds.
import { defineModule } from '../engine/module.js';

// The assert arguments.
export const schema = {
  type: 'object',
  properties: {
    that: { description: 'a condition or a list of conditions (bare expressions, like when:)' },
    fail_msg: { aliases: ['msg'], description: 'message when an assertion fails' },
    success_msg: { description: 'message when all assertions pass' },
    quiet: { type: 'boolean', description: 'print less' },
  },
  required: ['that'],
  additionalProperties: false,
} as const;

export default defineModule({
  name: 'assert',
  summary: 'Fail unless all given expressions are true',
  schema,
  freeForm: 'kv',
  rawArgs: ['that'],
  checkMode: 'runs as usual (only evaluates expressions)',
  example: '- assert:\n    that:\n      - nodes_ready | int == 3\n    fail_msg: not every node is Ready',
  async action(ctx, args) {
    const that = Array.isArray(args.that) ? (args.that as unknown[]) : [args.that];
    for (const cond of that) {
      if (!ctx.condition(cond)) {
        const msg = args.fail_msg ?? 'Assertion failed';
        return { failed: true, evaluated_to: false, assertion: cond, msg, changed: false, _ansible_verbose_always: true };
      }
    }
    return { changed: false, msg: args.success_msg ?? 'All assertions passed', ...(args.quiet === true ? {} : { _ansible_verbose_always: true }) };
  },
});
