// getent: reads a name service database (passwd, group, hosts, services, ...) into the fact
// getent_DATABASE, keyed by the first field, like Ansible's getent. Read-only.
import { sh } from '../engine/connection/command.js';
import { defineModule } from '../engine/module.js';

// The getent arguments (ansible-core 2.14's names and defaults).
export const schema = {
  type: 'object',
  properties: {
    database: { type: 'string', description: 'the database: passwd, group, shadow, hosts, services, ...' },
    key: { type: 'string', default: '', description: 'one entry (default: all)' },
    service: { type: 'string', description: 'the NSS service to use (getent -s)' },
    split: { type: 'string', description: 'field separator (default: ":" for passwd, shadow, group, gshadow; whitespace otherwise)' },
    fail_key: { type: 'boolean', default: true, description: 'fail when key is not found' },
  },
  required: ['database'],
  additionalProperties: false,
} as const;

const COLON = ['passwd', 'shadow', 'group', 'gshadow'];

export default defineModule({
  name: 'getent',
  summary: 'Read a getent database into the getent_<database> fact',
  schema,
  freeForm: 'kv',
  checkMode: 'runs as usual (read-only)',
  example: '- getent:\n    database: passwd\n    key: root\n- debug:\n    var: getent_passwd.root',
  async probe(ctx, args) {
    const { database, key } = args;
    const r = await ctx.host_.query(sh`getent${args.service ? sh` -s ${args.service}` : sh``} ${database}${key ? sh` ${key}` : sh``}`);
    if (r.rc === 2 && key) {
      if (args.fail_key) return { changed: false, failed: 'One or more supplied key could not be found in the database.' };
      return { changed: false, result: { changed: false, ansible_facts: { [`getent_${database}`]: { [key]: null } }, msg: 'One or more supplied key could not be found in the database.' } };
    }
    if (r.rc === 1) return { changed: false, failed: 'Missing arguments, or database unknown.' };
    if (r.rc === 3) return { changed: false, failed: 'Enumeration not supported on this database.' };
    if (r.rc !== 0) return { changed: false, failed: `Unexpected failure! ${r.stderr.trim()}` };
    const split = args.split ?? (COLON.includes(database) ? ':' : undefined);
    const entries: Record<string, string[]> = {};
    for (const line of r.stdout.split('\n')) {
      if (line.trim() === '') continue;
      const f = split === undefined ? line.trim().split(/\s+/) : line.split(split);
      const [first = '', ...rest] = f;
      if (!(first in entries)) entries[first] = rest;
    }
    return { changed: false, result: { changed: false, ansible_facts: { [`getent_${database}`]: entries } } };
  },
});
