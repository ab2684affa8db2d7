// Ansible's `validate:` (copy, template, lineinfile, replace, blockinfile): the new content goes
// to a temporary file, `validate % tmp` names it, and the line runs like module.run_command does
// with a string — split by shlex.split, $VAR and ~ expanded, and executed without a shell. So a
// templated value such as `x$(touch /tmp/p)` is one argument, never shell syntax.
import { sh } from '../../engine/connection/command.js';
import type { ApplyContext } from '../../engine/module.js';
import { ShlexError, shlexSplit } from '../../engine/py/shlex.js';
import { commandLine, ENOENT_MARK } from '../command.js';

export type ValidateOutcome = { ok: true } | { ok: false; rc?: number; stdout?: string; stderr?: string; msg: string };

// Python's `validate % tmp` with one str argument: %s is the file, %% a percent sign; anything
// else fails the way Python's formatting does.
export function substituteValidate(validate: string, tmp: string): { line: string } | { error: string } {
  let out = '';
  let used = false;
  for (let i = 0; i < validate.length; i++) {
    const c = validate[i] as string;
    if (c !== '%') {
      out += c;
      continue;
    }
    const n = validate[i + 1];
    if (n === '%') out += '%';
    else if (n === 's') {
      if (used) return { error: 'not enough arguments for format string' };
      out += tmp;
      used = true;
    } else if (n === undefined) return { error: 'incomplete format' };
    else return { error: `unsupported format character '${n}' (0x${n.charCodeAt(0).toString(16)}) at index ${i + 1}` };
    i++;
  }
  return { line: out };
}

// Runs `validate` on a temporary copy of `content` on the host (removed afterwards).
export async function runValidate(actx: ApplyContext, content: string | Buffer, validate: string): Promise<ValidateOutcome> {
  if (!validate.includes('%s')) return { ok: false, msg: `validate must contain %s: ${validate}` };
  const exec = actx.execDefaults;
  const mk = await actx.host_.run(sh`mktemp`, exec);
  if (mk.rc !== 0) return { ok: false, msg: `cannot create a temporary file: ${mk.stderr.trim()}` };
  const tmp = mk.stdout.trim();
  try {
    const sub = substituteValidate(validate, tmp);
    if ('error' in sub) return { ok: false, msg: sub.error };
    let argv: string[];
    try {
      argv = shlexSplit(sub.line);
    } catch (e) {
      if (e instanceof ShlexError) return { ok: false, msg: e.message };
      throw e;
    }
    if (argv.length === 0) return { ok: false, msg: 'validate is an empty command' };
    await actx.host_.put(content, tmp);
    const r = await actx.host_.run(commandLine(argv), exec);
    if (r.rc === 2 && r.stderr.includes(ENOENT_MARK)) return { ok: false, rc: 2, msg: `[Errno 2] No such file or directory: b'${argv[0] ?? ''}'` };
    return r.rc === 0 ? { ok: true } : { ok: false, rc: r.rc, stdout: r.stdout, stderr: r.stderr, msg: 'failed to validate' };
  } finally {
    await actx.host_.run(sh`rm -f -- ${tmp}`, exec);
  }
}

// The failure text of lineinfile, replace and blockinfile: "failed to validate: rc:1 error:...".
export function editValidateMessage(v: Exclude<ValidateOutcome, { ok: true }>): string {
  return v.msg === 'failed to validate' ? `failed to validate: rc:${v.rc ?? ''} error:${v.stderr ?? ''}` : v.msg;
}
