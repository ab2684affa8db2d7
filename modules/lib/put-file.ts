// The shared core of copy and template: compare the wanted content with the file on the
// host by sha1, report a content diff, and write it (then fix attributes) when applying.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { sh } from '../../engine/connection/command.js';
import type { DiffEntry, ModuleResult, Probe, ProbeContext } from '../../engine/module.js';
import { attrChanges, attrCommand, attrResult, type Attrs } from './file-attrs.js';
import { readPath } from './remote-file.js';
import { runValidate } from './validate-cmd.js';

export interface PutSpec {
  dest: string;
  content: string | Buffer;
  src?: string;
  attrs: Attrs;
  force: boolean;
  backup: boolean;
  /** a command that must accept the new content first; %s is a temporary file */
  validate?: string;
}

// sha1 of content, as Ansible's `checksum` result field.
export function sha1(data: string | Buffer): string {
  return createHash('sha1').update(data).digest('hex');
}

// Probes dest and returns the plan for writing `content` there.
export async function probePut(ctx: ProbeContext, spec: PutSpec): Promise<Probe> {
  let dest = spec.dest;
  let st = await readPath(ctx.host_, dest, { checksum: true, content: ctx.diffMode, follow: true });
  if (st.type === 'directory' && spec.src) {
    dest = posix.join(dest, posix.basename(spec.src));
    st = await readPath(ctx.host_, dest, { checksum: true, content: ctx.diffMode, follow: true });
  } else if (st.type === 'directory') {
    return { changed: false, failed: `can not use content with a dir as dest: ${dest}` };
  }
  const checksum = sha1(spec.content);
  const contentChanged = st.type === 'absent' || (spec.force && st.checksum !== checksum);
  const attrs = attrChanges(st.type === 'absent' ? undefined : st, spec.attrs);
  const changed = contentChanged || Object.keys(attrs).length > 0;
  const md5 = createHash('md5').update(spec.content).digest('hex');
  const base: ModuleResult = { dest, ...(spec.src ? { src: spec.src } : {}), md5sum: md5, checksum, changed };
  const diff: DiffEntry[] = [];
  if (contentChanged) {
    diff.push({
      ...(st.type !== 'absent' ? { before_header: dest } : {}),
      ...(spec.src ? { after_header: spec.src } : {}),
      before: st.content ?? '',
      after: Buffer.isBuffer(spec.content) ? '[binary]' : spec.content,
    });
  }
  if (Object.keys(attrs).length > 0) diff.push({ before_header: `${dest} (file attributes)`, after_header: `${dest} (file attributes)`, prepared: Object.entries(attrs).map(([k, v]) => `${k}: ${String(st[k as keyof typeof st] ?? '-')} -> ${v}`).join(', ') });
  const probe: Probe = { changed, result: changed ? { ...base } : { ...base, ...attrResult(st) }, diff, checkResult: { changed: true } };
  if (!changed) return probe;
  probe.apply = async (actx) => {
    if (contentChanged && spec.validate !== undefined) {
      const v = await runValidate(actx, spec.content, spec.validate);
      if (!v.ok) return { ...base, changed: false, failed: true, msg: v.msg, ...(v.rc !== undefined ? { exit_status: v.rc } : {}), ...(v.stdout !== undefined ? { stdout: v.stdout } : {}), ...(v.stderr !== undefined ? { stderr: v.stderr } : {}) };
    }
    if (contentChanged) {
      if (spec.backup && st.type === 'file') await actx.host_.run(sh`cp -p -- ${dest} ${`${dest}.${Date.now()}~`}`, actx.execDefaults);
      const opts = spec.attrs.mode && /^[0-7]+$/.test(spec.attrs.mode) ? { mode: spec.attrs.mode } : {};
      await actx.host_.put(spec.content, dest, opts);
    }
    const after = await readPath(actx.host_, dest, { follow: true });
    const fix = attrCommand(dest, attrChanges(after, spec.attrs));
    if (fix) {
      const r = await actx.host_.run(fix, actx.execDefaults);
      if (r.rc !== 0) return { ...base, failed: true, msg: r.stderr.trim() || `failed to set attributes on ${dest}` };
    }
    const final = await readPath(actx.host_, dest, { follow: true });
    return { ...base, ...attrResult(final) };
  };
  return probe;
}
