// service_facts: ansible_facts.services from systemd, shaped like Ansible's: one entry per
// `NAME.service` with state (running/stopped/…), status (the unit-file state, or not-found/
// masked/failed) and source "systemd". Read-only; two systemctl listings (plus one `show` for
// unit files that have no loaded unit).
import { sh } from '../engine/connection/command.js';
import { defineModule } from '../engine/module.js';

// service_facts takes no arguments.
export const schema = { type: 'object', properties: {}, additionalProperties: false } as const;

/** one service as Ansible reports it */
export interface ServiceFact {
  name: string;
  state: string;
  status: string;
  source: 'systemd';
}

const BAD = ['not-found', 'masked', 'failed'];
const SPLIT = '@@tsplay-unit-files@@';

// Parses `list-units --plain --no-legend` (UNIT LOAD ACTIVE SUB DESCRIPTION) like Ansible's scanner.
export function parseUnits(out: string): Map<string, ServiceFact> {
  const services = new Map<string, ServiceFact>();
  for (const line of out.split('\n')) {
    const f = line.trim().replace(/^●\s*/, '').split(/\s+/);
    const name = f[0] ?? '';
    if (!name.endsWith('.service')) continue;
    const bad = BAD.find((b) => f.includes(b));
    services.set(name, { name, state: f[3] === 'running' ? 'running' : 'stopped', status: bad ?? f[2] ?? 'unknown', source: 'systemd' });
  }
  return services;
}

// Merges `list-unit-files` (UNIT STATE [PRESET]): the file state becomes the status unless a bad
// load state is known; returns the unit files with no loaded unit (their state comes from `show`).
export function mergeUnitFiles(services: Map<string, ServiceFact>, out: string): string[] {
  const missing: string[] = [];
  for (const line of out.split('\n')) {
    const [name, status] = line.trim().split(/\s+/);
    if (!name?.endsWith('.service') || status === undefined) continue;
    const known = services.get(name);
    if (!known) {
      services.set(name, { name, state: 'unknown', status, source: 'systemd' });
      missing.push(name);
    } else if (!BAD.includes(known.status)) known.status = status;
  }
  return missing;
}

export default defineModule({
  name: 'service_facts',
  summary: 'Gather the services systemd knows as ansible_facts.services (state, status, source)',
  schema,
  checkMode: 'runs as usual (read-only)',
  example: '- service_facts:\n- debug:\n    var: ansible_facts.services["kubelet.service"].state',
  async probe(ctx) {
    const r = await ctx.host_.query(sh`systemctl list-units --no-pager --type service --all --plain --no-legend && echo ${SPLIT} && systemctl list-unit-files --no-pager --type service --all --plain --no-legend`);
    const [units = '', files = ''] = r.stdout.split(`${SPLIT}\n`);
    const services = parseUnits(units);
    const missing = r.rc === 0 ? mergeUnitFiles(services, files) : [];
    if (missing.length > 0) {
      const show = await ctx.host_.query(sh`systemctl show -p Id -p ActiveState ${missing}`);
      for (const block of show.stdout.split(/\n\s*\n/)) {
        const props = Object.fromEntries(block.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
        const s = services.get(props['Id'] ?? '');
        if (s && props['ActiveState']) s.state = props['ActiveState'];
      }
    }
    if (services.size === 0) return { changed: false, result: { changed: false, skipped: true, msg: 'Failed to find any services. This can be due to privileges or some other configuration issue.' } };
    const facts = Object.fromEntries([...services].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return { changed: false, result: { changed: false, ansible_facts: { services: facts } } };
  },
});
