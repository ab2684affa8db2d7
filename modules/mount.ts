// mount: an fstab entry and the mount itself (ansible.posix.mount): present writes the entry,
// mounted also creates the mount point and mounts (remounting when the entry changed), unmounted
// unmounts, absent unmounts and removes the entry (and an empty mount point), absent_from_fstab
// only removes the entry, remounted always remounts, ephemeral mounts without touching fstab.
import { joinCommands, sh, type ShellCommand } from '../engine/connection/command.js';
import { defineModule, type DiffEntry, type ModuleResult, type Probe } from '../engine/module.js';
import { readPath } from './lib/remote-file.js';

// The mount arguments (ansible.posix.mount's names, aliases and defaults).
export const schema = {
  type: 'object',
  properties: {
    path: { type: 'string', aliases: ['name'], description: 'the mount point' },
    src: { type: 'string', description: 'the device (or UUID=…, LABEL=…, server:/export); required for present and mounted' },
    fstype: { type: 'string', description: 'the file system type; required for present and mounted' },
    opts: { type: 'string', description: 'mount options (default: defaults)' },
    dump: { type: 'string', default: '0', description: 'fstab dump field' },
    passno: { type: 'string', default: '0', description: 'fstab pass field' },
    state: { enum: ['absent', 'absent_from_fstab', 'mounted', 'present', 'unmounted', 'remounted', 'ephemeral'], description: 'see the module summary' },
    fstab: { type: 'string', description: 'the fstab file (default /etc/fstab)' },
    boot: { type: 'boolean', default: true, description: 'false adds noauto to the options' },
    backup: { type: 'boolean', default: false, description: 'keep a timestamped copy of fstab before changing it' },
  },
  required: ['path', 'state'],
  additionalProperties: false,
} as const;

/** an fstab entry */
export interface Entry {
  src: string;
  path: string;
  fstype: string;
  opts: string;
  dump: string;
  passno: string;
}

const esc = (s: string) => s.replace(/ /g, '\\040').replace(/\t/g, '\\011');
const unesc = (s: string) => s.replace(/\\040/g, ' ').replace(/\\011/g, '\t');
const line = (e: Entry) => `${esc(e.src)} ${esc(e.path)} ${e.fstype} ${e.opts} ${e.dump} ${e.passno}`;

// The fstab text with the entry for `path` set (replacing the first, dropping later ones) or removed.
export function editFstab(text: string, path: string, want: Entry | undefined): { text: string; had: Entry | undefined } {
  const out: string[] = [];
  let had: Entry | undefined;
  let placed = false;
  for (const l of text.split('\n')) {
    const f = l.trim().split(/\s+/);
    if (l.trim().startsWith('#') || f.length < 3 || unesc(f[1] ?? '') !== path) {
      out.push(l);
      continue;
    }
    had ??= { src: unesc(f[0] ?? ''), path, fstype: f[2] ?? '', opts: f[3] ?? 'defaults', dump: f[4] ?? '0', passno: f[5] ?? '0' };
    if (want && !placed) {
      out.push(line(want) === line(had) ? l : line(want));
      placed = true;
    }
  }
  if (out.at(-1) === '') out.pop();
  if (want && !placed) out.push(line(want));
  return { text: out.length ? `${out.join('\n')}\n` : '', had };
}

export default defineModule({
  name: 'mount',
  aliases: ['ansible.posix.mount'],
  summary: 'Manage an fstab entry and mount or unmount the file system',
  schema,
  freeForm: 'kv',
  checkMode: 'reads fstab and /proc/mounts; reports the fstab diff and the mount change; changes nothing',
  example: '- mount:\n    path: /var/lib/containerd\n    src: /dev/vdb1\n    fstype: ext4\n    state: mounted',
  async probe(ctx, args): Promise<Probe> {
    const { path, state } = args;
    const fstab = args.fstab ?? '/etc/fstab';
    const opts = [args.opts ?? 'defaults', ...(args.boot ? [] : ['noauto'])].join(',');
    if ((state === 'present' || state === 'mounted' || state === 'ephemeral') && (!args.src || !args.fstype)) return { changed: false, failed: `state is ${state} but all of the following are missing: ${[args.src ? '' : 'src', args.fstype ? '' : 'fstype'].filter(Boolean).join(', ')}` };
    const mounts = await ctx.host_.query(sh`cat /proc/mounts`);
    const mounted = mounts.stdout.split('\n').some((l) => unesc(l.split(' ')[1] ?? '') === path);
    const file = await readPath(ctx.host_, fstab, { content: true, follow: true });
    const before = file.type === 'file' ? (file.content ?? '') : '';
    const want: Entry | undefined = args.src && args.fstype ? { src: args.src, path, fstype: args.fstype, opts, dump: args.dump, passno: args.passno } : undefined;
    const touchesFstab = ['present', 'mounted', 'absent', 'absent_from_fstab'].includes(state);
    const edited = touchesFstab ? editFstab(before, path, state === 'absent' || state === 'absent_from_fstab' ? undefined : want) : { text: before, had: undefined };
    const fstabChanged = edited.text !== before;
    const cmds: ShellCommand[] = [];
    const mountCmds: ShellCommand[] = [];
    const diff: DiffEntry[] = fstabChanged ? [{ before_header: fstab, after_header: fstab, before, after: edited.text }] : [];
    const tFlag = fstab === '/etc/fstab' ? sh`` : sh` -T ${fstab}`;
    if (fstabChanged) {
      if (args.backup && file.type === 'file') cmds.push(sh`cp -p -- ${fstab} ${`${fstab}.${Date.now()}~`}`);
      cmds.push(sh`printf %s ${edited.text} > ${fstab}`);
    }
    if (state === 'mounted') {
      if (!mounted) mountCmds.push(sh`mkdir -p -- ${path}`, sh`mount${tFlag} ${path}`);
      else if (fstabChanged) mountCmds.push(sh`mount${tFlag} -o remount ${path}`);
    } else if (state === 'ephemeral' && !mounted) mountCmds.push(sh`mkdir -p -- ${path}`, sh`mount -t ${args.fstype} -o ${opts} ${args.src} ${path}`);
    else if ((state === 'unmounted' || state === 'absent') && mounted) mountCmds.push(sh`umount ${path}`);
    else if (state === 'remounted') mountCmds.push(sh`mount -o ${`remount${args.opts ? `,${args.opts}` : ''}`} ${path}`);
    const mountChange = mountCmds.length > 0;
    cmds.push(...mountCmds);
    if (state === 'absent' && (mountChange || fstabChanged)) cmds.push(sh`rmdir -- ${path} 2>/dev/null || true`);
    const result: ModuleResult = { name: path, src: args.src ?? null, fstype: args.fstype ?? null, opts, dump: args.dump, passno: args.passno, fstab, boot: args.boot };
    if (!fstabChanged && !mountChange) return { changed: false, result: { ...result, changed: false } };
    if (mountChange) diff.push({ prepared: `${path}: ${mounted ? 'mounted' : 'not mounted'} -> ${state}` });
    return {
      changed: true,
      result,
      diff,
      apply: async (actx) => {
        const r = await actx.host_.run(joinCommands(cmds), actx.execDefaults);
        if (r.rc !== 0) return { ...result, changed: fstabChanged, failed: true, msg: `Error mounting ${path}: ${(r.stderr || r.stdout).trim()}` };
        return { ...result, changed: true };
      },
    };
  },
});
