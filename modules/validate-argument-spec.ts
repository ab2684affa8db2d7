// validate_argument_spec: checks the arguments a role was given (its params, and its options taken
// from the variables) against its argument spec; Ansible inserts this task at the start of a role
// with meta/argument_specs.yml.
import { defineModule } from '../engine/module.js';
import { validateArgs, type OptionSpec } from './lib/argspec.js';

export const schema = {
  type: 'object',
  properties: {
    argument_spec: { type: 'object', description: 'the options of the spec (name → type, required, choices, ...)' },
    provided_arguments: { type: 'object', description: 'the arguments to check (their values from the variables otherwise)' },
    validate_args_context: { type: 'object', description: 'accepted; where the spec comes from' },
  },
  required: ['argument_spec'],
  additionalProperties: false,
} as const;

export default defineModule({
  name: 'validate_argument_spec',
  summary: "Validate a role's arguments against its argument spec",
  schema,
  rawArgs: ['argument_spec'],
  checkMode: 'runs as usual (only checks values)',
  example: '- validate_argument_spec:\n    argument_spec: "{{ spec.options }}"\n    provided_arguments: "{{ params }}"',
  async action(ctx, args) {
    const spec = (args.argument_spec ?? {}) as Record<string, OptionSpec>;
    const given: Record<string, unknown> = {};
    for (const name of Object.keys(spec)) {
      try {
        given[name] = ctx.evaluate(name);
      } catch {
        /* not a variable here: only what was provided counts */
      }
    }
    Object.assign(given, (args.provided_arguments ?? {}) as Record<string, unknown>);
    const errors = validateArgs(spec, given);
    if (errors.length > 0) return { failed: true, changed: false, msg: `Validation of arguments failed:\n${errors.join('\n')}`, argument_errors: errors, argument_spec_data: spec };
    return { changed: false, msg: 'The arg spec validation passed', validate_args_context: args.validate_args_context ?? {} };
  },
});
