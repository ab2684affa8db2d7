// The apply step of the script module: copy the controller's script into a fresh temporary
// directory on the host, run it (as Ansible does: the rest of the line goes to the shell
// as written), remove the directory, and shape the result like Ansible's script action.
import { posix } from 'node:path';
import { raw, sh, shellLine } from '../../engine/connection/command.js';
import { markTimedOut, type ApplyContext, type ModuleResult } from '../../engine/module.js';

// A script ready to run: its content and how the task wrote the line.
export interface ScriptRun {
  /** the script's content, read on the controller */
  data: Buffer;
  /** the script name as written in the task (replaced in the line by the remote path) */
  written: string;
  /** the whole free-form line: script and arguments */
  line: string;
  /** basename of the script on the controller */
  basename: string;
  executable?: string;
  chdir?: string;
}

function lines(s: string): string[] {
  return s === '' ? [] : s.replace(/\n$/, '').split('\n');
}

// Builds the remote command line: the written script name replaced by `remote`.
export function scriptLine(run: Pick<ScriptRun, 'line' | 'written' | 'executable'>, remote: string): string {
  const target = run.line.trim().replace(run.written, () => remote);
  return run.executable ? `${run.executable} ${target}` : target;
}

// Puts the script on the host, runs it and cleans up; the result is Ansible's.
export async function runScript(actx: ApplyContext, run: ScriptRun): Promise<ModuleResult> {
  const exec = actx.execDefaults;
  const mk = await actx.host_.run(sh`mktemp -d ${raw('"${TMPDIR:-/tmp}"/tsplay-script.XXXXXXXX')}`, exec);
  if (mk.rc !== 0) return { changed: false, failed: true, msg: `cannot create a temporary directory: ${mk.stderr.trim()}` };
  const dir = mk.stdout.trim();
  const name = /^[A-Za-z0-9_.+-]+$/.test(run.basename) && !run.basename.startsWith('-') ? run.basename : 'script';
  const remote = posix.join(dir, name);
  try {
    await actx.host_.put(run.data, remote, { mode: '0700' });
    const r = await actx.host_.run(shellLine(scriptLine(run, remote)), { ...exec, ...(run.chdir ? { cwd: run.chdir } : {}) });
    const res: ModuleResult = { changed: true, rc: r.rc, stdout: r.stdout, stdout_lines: lines(r.stdout), stderr: r.stderr, stderr_lines: lines(r.stderr) };
    if (r.rc !== 0 && r.timedOut) return markTimedOut({ ...res, failed: true, msg: 'command timed out' });
    if (r.rc !== 0) return { ...res, failed: true, msg: 'non-zero return code' };
    return res;
  } finally {
    await actx.host_.run(sh`rm -rf -- ${dir}`, exec);
  }
}
