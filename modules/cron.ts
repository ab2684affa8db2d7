// cron: a named job (`#Ansible: NAME` above the line) or variable in a user's crontab or a
// cron.d file, with Ansible's cron module's line formats, lookup by name, and diff.
import { posix } from 'node:path';
import { sh } from '../engine/connection/command.js';
import { defineModule, type ApplyContext, type ModuleResult, type Probe } from '../engine/module.js';

// The cron arguments (ansible-core 2.14's names, aliases and defaults).
export const schema = {
  type: 'object',
  properties: {
    name: { type: 'string', description: 'the job\'s name (its #Ansible: comment) or, with env, the variable' },
    user: { type: 'string', description: 'whose crontab (required with cron_file: the user column)' },
    job: { type: 'string', aliases: ['value'], description: 'the command (or, with env, the value)' },
    state: { enum: ['present', 'absent'], default: 'present', description: 'whether the job or variable exists' },
    cron_file: { type: 'string', description: 'a file in /etc/cron.d (relative) or an absolute path, instead of a crontab' },
    backup: { type: 'boolean', default: false, description: 'keep a copy of the old crontab (backup_file)' },
    minute: { type: 'string', default: '*', description: 'minute field' },
    hour: { type: 'string', default: '*', description: 'hour field' },
    day: { type: 'string', default: '*', aliases: ['dom'], description: 'day-of-month field' },
    month: { type: 'string', default: '*', description: 'month field' },
    weekday: { type: 'string', default: '*', aliases: ['dow'], description: 'day-of-week field' },
    special_time: { enum: ['annually', 'daily', 'hourly', 'monthly', 'reboot', 'weekly', 'yearly'], description: '@reboot, @daily, ... instead of the time fields' },
    disabled: { type: 'boolean', default: false, description: 'comment the job out' },
    env: { type: 'boolean', default: false, description: 'manage a variable NAME="job" instead of a job' },
    insertafter: { type: 'string', description: 'env: put a new variable after this one' },
    insertbefore: { type: 'string', description: 'env: put a new variable before this one' },
  },
  required: ['name'],
  additionalProperties: false,
} as const;

const TAG = '#Ansible: ';

export interface CronEdit {
  lines: string[];
  changed: boolean;
}

// Sets or removes the named job (found by its comment, else by an identical line) in the lines.
export function editJob(lines: string[], name: string, job: string | undefined): CronEdit {
  const out = [...lines];
  const at = out.findIndex((l, i) => l === `${TAG}${name}` && i + 1 < out.length);
  if (job === undefined) {
    if (at < 0) return { lines: out, changed: false };
    out.splice(at, 2);
    return { lines: out, changed: true };
  }
  if (at >= 0) {
    if (out[at + 1] === job) return { lines: out, changed: false };
    out[at + 1] = job;
    return { lines: out, changed: true };
  }
  const same = out.indexOf(job);
  if (same >= 0) {
    out.splice(same, 0, `${TAG}${name}`);
    return { lines: out, changed: true };
  }
  out.push(`${TAG}${name}`, job);
  return { lines: out, changed: true };
}

// Sets or removes a variable line NAME="value".
export function editEnv(lines: string[], name: string, decl: string | undefined, after?: string, before?: string): CronEdit {
  const out = [...lines];
  const at = out.findIndex((l) => l.startsWith(`${name}=`));
  if (decl === undefined) {
    if (at < 0) return { lines: out, changed: false };
    out.splice(at, 1);
    return { lines: out, changed: true };
  }
  if (at >= 0) {
    if (out[at] === decl) return { lines: out, changed: false };
    out[at] = decl;
    return { lines: out, changed: true };
  }
  // Ansible puts a new variable at the top unless told where
  const ref = after ?? before;
  const refAt = ref === undefined ? -1 : out.findIndex((l) => l.startsWith(`${ref}=`));
  out.splice(refAt < 0 ? 0 : after !== undefined ? refAt + 1 : refAt, 0, decl);
  return { lines: out, changed: true };
}

const names = (lines: string[]) => ({
  jobs: lines.filter((l) => l.startsWith(TAG)).map((l) => l.slice(TAG.length)),
  envs: lines.filter((l) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(l)).map((l) => l.slice(0, l.indexOf('='))),
});

export default defineModule({
  name: 'cron',
  summary: 'Manage a named cron job or variable in a crontab or an /etc/cron.d file',
  schema,
  freeForm: 'kv',
  checkMode: 'reads the crontab or cron file; reports the change and the diff; writes nothing',
  example: '- cron:\n    name: etcd snapshot\n    minute: "15"\n    hour: "2"\n    job: /usr/local/bin/etcd-snapshot.sh',
  async probe(ctx, a): Promise<Probe> {
    const install = a.state === 'present';
    const file = a.cron_file === undefined ? undefined : a.cron_file.startsWith('/') ? a.cron_file : posix.join('/etc/cron.d', a.cron_file);
    if (a.special_time && [a.minute, a.hour, a.day, a.month, a.weekday].some((x) => x !== '*')) return { changed: false, failed: 'You must specify time and date fields or special time.' };
    if (install && file && !a.user) return { changed: false, failed: 'To use cron_file=... parameter you must specify user=... as well' };
    if (install && a.job === undefined) return { changed: false, failed: "You must specify 'job' to install a new cron job or variable" };
    if ((a.insertafter || a.insertbefore) && !a.env) return { changed: false, failed: 'Insertafter and insertbefore parameters are valid only with env=yes' };
    const read = await ctx.host_.query(file ? sh`cat -- ${file} 2>/dev/null || true` : sh`crontab -l${a.user ? sh` -u ${a.user}` : sh``} 2>/dev/null || true`);
    const existing = read.stdout;
    const lines = existing === '' ? [] : existing.replace(/\r?\n$/, '').split(/\r?\n/);
    let edit: CronEdit;
    if (a.env) {
      if (a.name.includes(' ')) return { changed: false, failed: 'Invalid name for environment variable' };
      edit = editEnv(lines, a.name, install ? `${a.name}="${a.job}"` : undefined, a.insertafter, a.insertbefore);
    } else {
      const prefix = a.disabled ? '#' : '';
      const job = (a.job ?? '').replace(/^[\r\n]+|[\r\n]+$/g, '');
      const line = a.special_time ? `${prefix}@${a.special_time}${file ? ` ${a.user}` : ''} ${job}` : `${prefix}${a.minute} ${a.hour} ${a.day} ${a.month} ${a.weekday}${file ? ` ${a.user}` : ''} ${job}`;
      edit = editJob(lines, a.name, install ? line : undefined);
    }
    const after = edit.lines.length ? `${edit.lines.join('\n')}\n` : '';
    const header = file ?? (a.user ? `crontab for user "${a.user}"` : 'crontab');
    const removeFile = Boolean(file && !install && edit.changed && edit.lines.every((l) => l.trim() === ''));
    const changed = edit.changed || (existing !== '' && !/[\r\n]$/.test(existing));
    const result: ModuleResult = { ...names(edit.lines), ...(file ? { cron_file: a.cron_file } : {}) };
    if (!changed) return { changed: false, result: { ...result, changed: false } };
    const diff = [{ before_header: header, after_header: removeFile ? '/dev/null' : header, before: existing, after: removeFile ? '' : after }];
    return { changed: true, result, diff, apply: (actx) => writeCron(actx, { file, user: a.user, text: after, remove: removeFile, backup: a.backup, existing }, result) };
  },
});

async function writeCron(actx: ApplyContext, w: { file?: string | undefined; user?: string | undefined; text: string; remove: boolean; backup: boolean; existing: string }, result: ModuleResult): Promise<ModuleResult> {
  const out: ModuleResult = { ...result, changed: true };
  if (w.backup) {
    const mk = await actx.host_.run(sh`mktemp /tmp/crontabXXXXXXXX`, actx.execDefaults);
    const backup = mk.stdout.trim();
    await actx.host_.put(w.existing, backup);
    out['backup_file'] = backup;
  }
  if (w.file) {
    if (w.remove) await actx.host_.run(sh`rm -f -- ${w.file}`, actx.execDefaults);
    else await actx.host_.put(w.text, w.file, { mode: '0644' });
    return out;
  }
  const r = await actx.host_.run(sh`crontab${w.user ? sh` -u ${w.user}` : sh``} -`, { ...actx.execDefaults, stdin: w.text });
  return r.rc === 0 ? out : { ...out, changed: false, failed: true, msg: r.stderr.trim() };
}
