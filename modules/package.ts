// package: Ansible's generic package module. tsplay's hosts are Debian-family, so it hands the
// task to the apt module (name, state and every apt option pass through, as Ansible's package
// action passes them to the backend); `use` picks the backend: auto or apt.
import { defineModule, type Probe } from '../engine/module.js';
import apt, { schema as aptSchema, type AptArgs } from './apt.js';

// The package arguments: apt's (package passes them through) plus `use`.
export const schema = {
  type: 'object',
  properties: {
    ...aptSchema.properties,
    use: { type: 'string', default: 'auto', description: 'the package manager module: auto (apt on the Debian hosts tsplay manages) or apt' },
  },
  required: ['name', 'state'],
  additionalProperties: false,
} as const;

const BACKENDS = ['auto', 'apt'];

export default defineModule({
  name: 'package',
  summary: 'Install, upgrade or remove packages through the host\'s package manager (apt)',
  schema,
  freeForm: 'kv',
  checkMode: 'as apt: reads dpkg-query, apt-mark and apt-cache policy and shows the version diff; changes nothing',
  example: '- package:\n    name: [curl, jq]\n    state: present',
  disruptive(args) {
    const { use: _use, ...rest } = args;
    return apt.disruptive?.(rest);
  },
  async probe(ctx, args): Promise<Probe> {
    const { use, ...rest } = args;
    if (!BACKENDS.includes(use)) return { changed: false, failed: `Could not find a module for ${use}. (tsplay's package module drives apt: use auto or apt)` };
    if (!apt.probe) return { changed: false, failed: 'apt module unavailable' };
    return apt.probe(ctx, rest as AptArgs);
  },
});
