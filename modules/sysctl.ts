// sysctl: a kernel parameter in a sysctl file (and, with sysctl_set, the running value), as
// ansible.posix.sysctl does it: the file is rewritten with one `key=value` line per key (the
// first occurrence kept), `sysctl -p FILE` reloads it after a change (reload, the default).
import { sh } from '../engine/connection/command.js';
import { defineModule, type ApplyContext, type ModuleResult, type Probe } from '../engine/module.js';
import { readPath } from './lib/remote-file.js';

// The sysctl arguments (ansible.posix.sysctl's names, aliases and defaults).
export const schema = {
  type: 'object',
  properties: {
    name: { type: 'string', aliases: ['key'], description: 'the parameter, e.g. net.ipv4.ip_forward' },
    value: { type: ['string', 'number', 'boolean'], aliases: ['val'], description: 'the value (yes/true → 1, no/false → 0); required with state=present' },
    state: { enum: ['present', 'absent'], default: 'present', description: 'whether the line is in the file' },
    ignoreerrors: { type: 'boolean', default: false, description: 'ignore unknown keys when reading and reloading (sysctl -e)' },
    reload: { type: 'boolean', default: true, description: 'run sysctl -p FILE after a change (and count a running value that differs as a change)' },
    sysctl_file: { type: 'string', default: '/etc/sysctl.conf', description: 'the file to edit' },
    sysctl_set: { type: 'boolean', default: false, description: 'also set the running value with sysctl -w when it differs' },
  },
  required: ['name'],
  additionalProperties: false,
} as const;

const TRUE = ['y', 'yes', 'on', '1', 'true', 't'];
const FALSE = ['n', 'no', 'off', '0', 'false', 'f'];

// Ansible's _parse_value: booleans become 1/0, strings are stripped.
export function parseValue(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v ? '1' : '0';
  const s = String(v);
  if (TRUE.includes(s.toLowerCase())) return '1';
  if (FALSE.includes(s.toLowerCase())) return '0';
  return s.trim();
}

const sameValue = (a: string, b: string) => a.split(/\s+/).filter(Boolean).join(' ') === b.split(/\s+/).filter(Boolean).join(' ');
const isSetting = (l: string) => l !== '' && !l.startsWith('#') && !l.startsWith(';') && l.includes('=');

// The file rewritten for the wanted state, and the value the file had (its last occurrence).
export function fixLines(text: string, name: string, value: string | undefined, present: boolean): { lines: string[]; had: string | undefined } {
  const lines = text.split('\n').map((l) => l.trim());
  if (lines.at(-1) === '') lines.pop();
  const out: string[] = [];
  const seen = new Set<string>();
  let had: string | undefined;
  for (const line of lines) {
    if (!isSetting(line)) {
      out.push(line);
      continue;
    }
    const eq = line.indexOf('=');
    const k = line.slice(0, eq).trim();
    const v = line.slice(eq + 1).trim();
    if (k === name) had = v;
    if (seen.has(k)) continue;
    seen.add(k);
    if (k !== name) out.push(`${k}=${v}`);
    else if (present) out.push(`${k}=${value}`);
  }
  if (!seen.has(name) && present) out.push(`${name}=${value}`);
  return { lines: out, had };
}

export default defineModule({
  name: 'sysctl',
  aliases: ['ansible.posix.sysctl'],
  summary: 'Set a kernel parameter in a sysctl file (and at run time), reloading it',
  schema,
  freeForm: 'kv',
  checkMode: 'reads the file and the running value; reports the change and the file diff; writes nothing',
  example: '- sysctl:\n    name: net.ipv4.ip_forward\n    value: "1"\n    sysctl_set: true',
  async probe(ctx, args): Promise<Probe> {
    const name = args.name.trim();
    const value = parseValue(args.value);
    const present = args.state === 'present';
    if (present && value === undefined) return { changed: false, failed: 'value cannot be None' };
    const proc = await ctx.host_.query(args.ignoreerrors ? sh`sysctl -e -n ${name}` : sh`sysctl -n ${name}`);
    const procValue = proc.rc === 0 && proc.stdout !== '' ? proc.stdout.trim() : undefined;
    const file = await readPath(ctx.host_, args.sysctl_file, { content: true, follow: true });
    const before = file.type === 'file' ? (file.content ?? '') : '';
    const { lines, had } = fixLines(before, name, value, present);
    const writeFile = present ? had !== value : had !== undefined;
    let setProc = false;
    let changed = writeFile;
    if (!writeFile && present && args.reload && (procValue === undefined || !sameValue(procValue, value ?? ''))) changed = true;
    if (args.sysctl_set && present && value !== undefined) {
      if (procValue === undefined) changed = true;
      else if (!sameValue(procValue, value)) changed = setProc = true;
    }
    if (!changed) return { changed: false, result: { changed: false } };
    const after = lines.map((l) => `${l}\n`).join('');
    const diff = writeFile ? [{ before_header: args.sysctl_file, after_header: args.sysctl_file, before, after }] : [{ prepared: `${name}: running value ${procValue ?? '(unknown)'} -> ${value}` }];
    return { changed: true, result: {}, diff, apply: (actx) => applySysctl(actx, { name, value: value ?? '', setProc, writeFile, after, file: args.sysctl_file, reload: args.reload, ignore: args.ignoreerrors }) };
  },
});

interface Change {
  name: string;
  value: string;
  setProc: boolean;
  writeFile: boolean;
  after: string;
  file: string;
  reload: boolean;
  ignore: boolean;
}

async function applySysctl(actx: ApplyContext, c: Change): Promise<ModuleResult> {
  const run = (cmd: ReturnType<typeof sh>) => actx.host_.run(cmd, { ...actx.execDefaults, env: { ...actx.execDefaults.env, LANG: 'C', LC_ALL: 'C' } });
  const e = c.ignore ? sh`-e ` : sh``;
  if (c.setProc) {
    const r = await run(sh`sysctl ${e}-w ${`${c.name}=${c.value}`}`);
    if (r.rc !== 0 || /^sysctl: /m.test(r.stderr)) return { changed: false, failed: true, msg: `setting ${c.name} failed: ${(r.stdout + r.stderr).trim()}` };
  }
  if (c.writeFile) await actx.host_.put(c.after, c.file);
  if (c.reload) {
    const r = await run(sh`sysctl ${e}-p ${c.file}`);
    if (r.rc !== 0 || (!c.ignore && /^sysctl: /m.test(r.stderr))) return { changed: true, failed: true, msg: `Failed to reload sysctl: ${r.stdout}${r.stderr}` };
  }
  return { changed: true };
}
