// Editing a text file the way replace and blockinfile do: read it (failing like Ansible when it
// is a directory or missing), then write with an optional timestamped backup (Ansible's
// backup_local name), through symlinks, then fix mode/owner/group.
import { posix } from 'node:path';
import { raw, sh } from '../../engine/connection/command.js';
import type { ApplyContext, HostReader, ModuleResult, Probe } from '../../engine/module.js';
import { attrChanges, attrCommand, type Attrs } from './file-attrs.js';
import { readPath, type PathState } from './remote-file.js';
import { editValidateMessage, runValidate } from './validate-cmd.js';

// What to write and how.
export interface WriteSpec {
  path: string;
  /** the new content, or undefined when only attributes change */
  content?: string;
  backup: boolean;
  /** create missing parent directories (blockinfile create=true) */
  mkdirs?: boolean;
  /** a command checking the new content first; %s is the temporary file */
  validate?: string;
  attrs: Attrs;
}

/** The file to edit, or the probe that fails the task. */
export type EditTarget = { ok: true; path: string; st: PathState } | { ok: false; probe: Probe };

// Reads the file with its content (following links); a missing file is allowed with `create`.
export async function readEditTarget(host: HostReader, path: string | undefined, create = false): Promise<EditTarget> {
  if (!path) return { ok: false, probe: { changed: false, failed: 'missing required arguments: path' } };
  const st = await readPath(host, path, { content: true, follow: true });
  if (st.type === 'directory') return { ok: false, probe: { changed: false, failed: `Path ${path} is a directory !`, result: { rc: 256 } } };
  if (st.type === 'absent' && !create) return { ok: false, probe: { changed: false, failed: `Path ${path} does not exist !`, result: { rc: 257 } } };
  return { ok: true, path, st };
}

// The apply step of an edit: writes, then reports `result` (or the write's failure).
export function applyEdit(spec: WriteSpec, result: ModuleResult): (actx: ApplyContext) => Promise<ModuleResult> {
  return async (actx) => {
    const w = await writeEdited(actx, spec);
    return w['failed'] === true ? { changed: false, ...w } : { changed: true, ...result, ...w };
  };
}

// Ansible's check_file_attrs: appends the attribute message when attributes would change.
export function attrMessage(st: PathState | undefined, attrs: Attrs, changed: boolean, msg: string): { msg: string; changed: boolean; attrsChanged: boolean } {
  const attrsChanged = Object.keys(attrChanges(st, attrs)).length > 0;
  if (!attrsChanged) return { msg, changed, attrsChanged };
  return { msg: `${msg}${changed ? ' and ' : ''}ownership, perms or SE linux context changed`, changed: true, attrsChanged };
}

// Writes the file (backup first) and applies attributes; returns backup_file or a failure.
export async function writeEdited(actx: ApplyContext, spec: WriteSpec): Promise<ModuleResult> {
  const out: ModuleResult = {};
  const exec = actx.execDefaults;
  let target = spec.path;
  if (spec.content !== undefined) {
    if (spec.mkdirs) {
      const r = await actx.host_.run(sh`mkdir -p -- ${posix.dirname(spec.path)}`, exec);
      if (r.rc !== 0) return { failed: true, msg: `Error creating ${posix.dirname(spec.path)}: ${r.stderr.trim()}` };
    }
    if (spec.backup) {
      const r = await actx.host_.run(sh`if [ -e ${spec.path} ]; then b=${spec.path}${raw('.$$.$(date +%Y-%m-%d@%H:%M:%S~)')} && cp -p -- ${spec.path} "$b" && printf %s "$b"; fi`, exec);
      if (r.rc !== 0) return { failed: true, msg: `Could not make backup of ${spec.path}: ${r.stderr.trim()}` };
      if (r.stdout !== '') out['backup_file'] = r.stdout;
    }
    if (spec.validate !== undefined) {
      const failure = await validate(actx, spec.content, spec.validate);
      if (failure) return { failed: true, msg: failure };
    }
    const real = await actx.host_.run(sh`readlink -f -- ${spec.path}`, exec);
    if (real.rc === 0 && real.stdout.trim() !== '') target = real.stdout.replace(/\n$/, '');
    await actx.host_.put(spec.content, target);
  }
  const fix = attrCommand(target, attrChanges(await readPath(actx.host_, target), spec.attrs));
  if (fix) {
    const r = await actx.host_.run(fix, exec);
    if (r.rc !== 0) return { ...out, failed: true, msg: r.stderr.trim() || `failed to set attributes on ${spec.path}` };
  }
  return out;
}

// Runs `validate` (without a shell, lib/validate-cmd.ts); returns Ansible's failure message.
async function validate(actx: ApplyContext, content: string, cmd: string): Promise<string | undefined> {
  const v = await runValidate(actx, content, cmd);
  return v.ok ? undefined : editValidateMessage(v);
}
