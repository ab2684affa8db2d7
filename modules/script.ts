// script: copies a script from the controller to the host and runs it there with the
// given arguments; creates/removes skip it like Ansible's script action.
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { sh } from '../engine/connection/command.js';
import { defineModule, type HostReader } from '../engine/module.js';
import { findSource } from './copy.js';
import { shlexSplit } from '../engine/py/shlex.js';
import { runScript } from './lib/script-run.js';
import { stringArg } from './lib/command-result.js';

// Arguments of script (free form: the script and its arguments).
export const schema = {
  type: 'object',
  properties: {
    _raw_params: { type: 'string', description: 'the script path (searched in files/) followed by its arguments' },
    cmd: { type: 'string', description: 'the script and its arguments, instead of free form' },
    creates: { type: 'string', description: 'a path on the host that, when it exists, means the script does not need to run' },
    removes: { type: 'string', description: 'a path on the host that, when it does not exist, means the script does not need to run' },
    chdir: { type: 'string', description: 'absolute directory on the host to run the script in' },
    executable: { type: 'string', description: 'the interpreter to run the script with (e.g. python3)' },
    decrypt: { type: 'boolean', description: 'accepted and ignored (no vault support)' },
  },
  additionalProperties: false,
} as const;

async function exists(host: HostReader, path: string): Promise<boolean> {
  return (await host.query(sh`test -e ${path}`)).rc === 0;
}

// The script module: creates/removes decide in the probe; apply copies and runs.
export default defineModule({
  name: 'script',
  shellText: (a) => stringArg(a['cmd'] ?? a['_raw_params']),
  summary: 'Copy a local script to the host and run it',
  schema,
  freeForm: 'command',
  checkMode: 'skipped (the script would run); with creates/removes: reports whether it would run',
  example: '- script: files/cleanup.sh --dry-run\n  args:\n    creates: /var/lib/cleanup.done',
  async probe(ctx, args) {
    const creates = args.creates || undefined;
    const removes = args.removes || undefined;
    if (creates !== undefined && (await exists(ctx.host_, creates))) {
      return { changed: false, result: { changed: false, skipped: true, msg: `${creates} exists, matching creates option` } };
    }
    if (removes !== undefined && !(await exists(ctx.host_, removes))) {
      return { changed: false, result: { changed: false, skipped: true, msg: `${removes} does not exist, matching removes option` } };
    }
    const chdir = args.chdir || undefined;
    if (chdir !== undefined && !chdir.startsWith('/')) return { changed: false, failed: `chdir ${chdir} must be an absolute path for a Unix-aware remote node` };
    const line = args._raw_params ?? args.cmd ?? '';
    const written = shlexSplit(line.trim())[0];
    if (written === undefined) return { changed: false, failed: 'no script given' };
    const source = findSource(written, ctx.searchPaths);
    if (!source) {
      const searched = ctx.searchPaths.flatMap((d) => [join(d, 'files', written), join(d, written)]).join('\n\t');
      return { changed: false, failed: `Could not find or access '${written}'\nSearched in:\n\t${searched} on the Ansible Controller.\nIf you are using a module and expect the file to exist on the remote, see the remote_src option` };
    }
    const data = await readFile(source);
    const executable = args.executable || undefined;
    const run = { data, written, line, basename: basename(source), ...(executable ? { executable } : {}), ...(chdir ? { chdir } : {}) };
    const checkResult = creates !== undefined || removes !== undefined ? { changed: true } : { changed: false, skipped: true, msg: 'Check mode is not supported for this task.', _tsplay_would_run: line };
    return {
      changed: true,
      checkResult,
      apply: (actx) => runScript(actx, run),
    };
  },
});
