// set_fact: sets host variables (highest precedence below extra vars) for later tasks and plays.
import { defineModule } from '../engine/module.js';

// The set_fact arguments: any variable names, plus cacheable.
export const schema = {
  type: 'object',
  properties: { cacheable: { type: 'boolean', description: 'accepted; facts are kept for the run either way' } },
  propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
  minProperties: 1,
} as const;

export default defineModule({
  name: 'set_fact',
  factsAs: 'hostvars',
  summary: 'Set host variables for the rest of the run',
  schema,
  freeForm: 'kv',
  checkMode: 'runs as usual (only sets variables)',
  example: '- set_fact:\n    target_minor: "{{ kube_version.split(\'.\')[1] | int }}"',
  async action(ctx, args) {
    const facts: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(args)) {
      if (k === 'cacheable') continue;
      // without jinja2_native, "yes"/"no"/"true"/"false" strings become booleans (ansible-core's set_fact)
      const word = typeof v === 'string' && !ctx.jinja2Native && ['true', 'false', 'yes', 'no'].includes(v.toLowerCase());
      facts[k] = word ? ['true', 'yes'].includes((v as string).toLowerCase()) : v;
    }
    return { ansible_facts: facts, changed: false };
  },
});
