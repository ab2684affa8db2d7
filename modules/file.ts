// file: makes a path a directory, a touched file, a symlink, or absent, with attributes.
import { joinCommands, sh, type ShellCommand } from '../engine/connection/command.js';
import { defineModule, type DiffEntry, type Probe } from '../engine/module.js';
import { ATTR_PROPERTIES, attrChanges, attrCommand, attrResult, attrsOf } from './lib/file-attrs.js';
import { readPath } from './lib/remote-file.js';
import { jsonDumps } from '../engine/py/json.js';

const STATES = ['file', 'directory', 'touch', 'absent', 'link', 'hard'] as const;

// The file arguments.
export const schema = {
  type: 'object',
  properties: {
    path: { type: 'string', aliases: ['dest', 'name'], description: 'the path on the host' },
    state: { enum: [...STATES], description: 'file (attributes only; must exist), directory, touch, absent, link, hard' },
    src: { type: 'string', description: 'link target for state=link/hard' },
    ...ATTR_PROPERTIES,
    recurse: { type: 'boolean', description: 'apply attributes recursively (directory)' },
    force: { type: 'boolean', description: 'replace an existing path when making a link' },
    follow: { type: 'boolean', default: true, description: 'follow symlinks when setting attributes' },
    access_time: { type: 'string', description: "with state=touch: 'preserve' keeps the time (then an existing file is unchanged), 'now', or a time" },
    modification_time: { type: 'string', description: "with state=touch: 'preserve', 'now', or a time" },
    access_time_format: { type: 'string', description: 'strftime format of access_time' },
    modification_time_format: { type: 'string', description: 'strftime format of modification_time' },
  },
  additionalProperties: false,
} as const;

export default defineModule({
  name: 'file',
  alwaysDiff: true,
  summary: 'Create directories, touch files, make symlinks, remove paths, set attributes',
  schema,
  freeForm: 'kv',
  checkMode: 'reports the before/after state; changes nothing',
  example: '- file:\n    path: /etc/kubernetes/tmp\n    state: directory\n    mode: "0700"',
  async probe(ctx, args) {
    const path = args.path;
    if (!path) return { changed: false, failed: 'path is required' };
    const st = await readPath(ctx.host_, path);
    const state = args.state ?? (st.type === 'absent' ? 'file' : st.type === 'directory' ? 'directory' : 'file');
    const want = attrsOf(args);
    const before = st.type === 'absent' ? 'absent' : st.type === 'other' ? 'file' : st.type;
    let main: ShellCommand | undefined;
    let after: string = before;
    if (state === 'absent') {
      if (st.type !== 'absent') main = sh`rm -rf -- ${path}`;
      after = 'absent';
    } else if (state === 'directory') {
      if (st.type !== 'directory') {
        if (st.type !== 'absent') return { changed: false, failed: `${path} already exists as a ${st.type}` };
        main = sh`mkdir -p -- ${path}`;
      }
      after = 'directory';
    } else if (state === 'touch') {
      const preserve = args.access_time === 'preserve' && args.modification_time === 'preserve';
      if (!(preserve && st.type !== 'absent')) main = sh`touch -- ${path}`;
      after = st.type === 'absent' ? 'file' : before;
    } else if (state === 'link' || state === 'hard') {
      const src = args.src;
      if (src === undefined) return { changed: false, failed: `src is required for state=${state}` };
      if (state === 'link' && !(st.type === 'link' && st.linkTarget === src)) {
        if (st.type !== 'absent' && st.type !== 'link' && !args.force) return { changed: false, failed: `refusing to convert from ${st.type} to symlink for ${path}` };
        main = sh`ln -sfn -- ${src} ${path}`;
      }
      if (state === 'hard' && st.type === 'absent') main = sh`ln -f -- ${src} ${path}`;
      after = state;
    } else if (st.type === 'absent') {
      return { changed: false, failed: `file (${path}) is absent, cannot continue`, result: { path, state: 'absent' } };
    }
    const attrs = state === 'absent' ? {} : attrChanges(main && st.type === 'absent' ? undefined : st, want);
    const attrCmd = state === 'absent' || state === 'link' ? undefined : attrCommand(path, attrs, args.recurse === true);
    const cmds = [main, attrCmd].filter((c): c is ShellCommand => c !== undefined);
    const changed = cmds.length > 0 && !(state === 'touch' && false);
    const diff: DiffEntry[] = [{ before: `${jsonDumps({ path, state: before }, { indent: 4, sortKeys: true })}\n`, after: `${jsonDumps({ path, state: after }, { indent: 4, sortKeys: true })}\n` }];
    const probe: Probe = { changed, result: { path, ...(st.type !== 'absent' ? attrResult(st) : {}), state: after }, diff };
    if (changed) {
      probe.apply = async (actx) => {
        const r = await actx.host_.run(joinCommands(cmds), actx.execDefaults);
        if (r.rc !== 0) return { path, failed: true, msg: r.stderr.trim() || `rc ${r.rc}` };
        const now = await readPath(actx.host_, path);
        return { path, changed: true, ...(now.type !== 'absent' ? attrResult(now) : { state: 'absent' }) };
      };
    }
    return probe;
  },
});
