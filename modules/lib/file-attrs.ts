// Shared handling of mode/owner/group for copy, file and template: what would change,
// and the command that changes it.
import { joinCommands, sh, type ShellCommand } from '../../engine/connection/command.js';
import type { ArgsOf } from '../../engine/module.js';
import type { PathState } from './remote-file.js';
import { normalizeMode } from './remote-file.js';

export interface Attrs {
  mode?: string;
  owner?: string;
  group?: string;
}

// The mode/owner/group arguments of copy, file, template, lineinfile, blockinfile and replace.
export const ATTR_PROPERTIES = {
  mode: { type: ['string', 'integer'], description: "file mode, e.g. '0644'" },
  owner: { type: 'string', description: 'owner' },
  group: { type: 'string', description: 'group' },
} as const;

/** Those arguments as the modules receive them. */
export type AttrArgs = ArgsOf<{ type: 'object'; properties: typeof ATTR_PROPERTIES }>;

// Reads mode/owner/group from module args.
export function attrsOf(a: AttrArgs): Attrs {
  const out: Attrs = {};
  const mode = normalizeMode(a.mode);
  if (mode) out.mode = mode;
  if (a.owner !== undefined) out.owner = a.owner;
  if (a.group !== undefined) out.group = a.group;
  return out;
}

// Which attributes differ from the current state (symbolic modes always count as a change).
export function attrChanges(st: PathState | undefined, want: Attrs): Attrs {
  const out: Attrs = {};
  if (want.mode && (!st || !/^[0-7]+$/.test(want.mode) || Number.parseInt(st.mode ?? '0', 8) !== Number.parseInt(want.mode, 8))) out.mode = want.mode;
  if (want.owner && (!st || (st.owner !== want.owner && String(st.uid) !== want.owner))) out.owner = want.owner;
  if (want.group && (!st || (st.group !== want.group && String(st.gid) !== want.group))) out.group = want.group;
  return out;
}

// The command applying attribute changes to a path.
export function attrCommand(path: string, ch: Attrs, recurse = false): ShellCommand | undefined {
  const r = recurse ? ['-R'] : [];
  const cmds: ShellCommand[] = [];
  if (ch.owner || ch.group) cmds.push(sh`chown ${r} ${`${ch.owner ?? ''}${ch.group ? `:${ch.group}` : ''}`} -- ${path}`);
  if (ch.mode) cmds.push(sh`chmod ${r} ${ch.mode} -- ${path}`);
  return cmds.length ? joinCommands(cmds) : undefined;
}

// The file-attribute part of a result (uid, gid, owner, group, mode, state, size).
export function attrResult(st: PathState): Record<string, unknown> {
  return { uid: st.uid, gid: st.gid, owner: st.owner, group: st.group, mode: st.mode, state: st.type === 'absent' ? 'absent' : st.type === 'directory' ? 'directory' : st.type === 'link' ? 'link' : 'file', size: st.size };
}
