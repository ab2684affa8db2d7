// command: runs a program with arguments, without a shell (no pipes, globs or $VARS).
import { quote, type ShellCommand } from '../engine/connection/command.js';
import { defineModule } from '../engine/module.js';
import { probeCommand, RUN_PROPERTIES, runSpec, stringArg } from './lib/command-result.js';
import { shlexSplit } from '../engine/py/shlex.js';

// The command arguments.
export const schema = {
  type: 'object',
  properties: {
    _raw_params: { type: 'string', description: 'the command line (free form), split like a shell would but not run by one' },
    cmd: { type: 'string', description: 'the command line, as an argument instead of free form' },
    argv: { type: 'array', items: { type: ['string', 'number'] }, description: 'the command as a list of arguments (no splitting)' },
    ...RUN_PROPERTIES,
  },
  additionalProperties: false,
} as const;

export default defineModule({
  name: 'command',
  shellText: (a) => (Array.isArray(a['argv']) ? a['argv'].map(String).join(' ') : stringArg(a['cmd'] ?? a['_raw_params'])),
  summary: 'Run a command on the host, without a shell',
  schema,
  freeForm: 'command',
  checkMode: 'skipped (the command would run); with creates/removes: reports whether it would run',
  example: '- name: show kubelet version\n  command: kubelet --version\n  register: kv\n  changed_when: false',
  async probe(ctx, args) {
    const line = args.cmd ?? args._raw_params ?? '';
    let argv: string[];
    if (args.argv) argv = args.argv.map(String);
    else {
      if (line.trim() === '') throw new Error('no command given');
      argv = shlexSplit(line);
    }
    return probeCommand(ctx.host_, {
      display: argv,
      command: commandLine(argv),
      notFound: args.argv ? argv.join(' ') : line,
      ...runSpec(args, ctx.execDefaults),
    }, ctx.checkMode);
  },
});

// Like Ansible's command module: $VAR and ~ in arguments are expanded (unset variables
// stay literal), nothing else is interpreted; a missing program gives rc 2 like Python's ENOENT.
export function commandLine(argv: string[]): ShellCommand {
  const words = argv.map((w) => (w.includes('$') || w.startsWith('~') ? expandingWord(w) : quote(w)));
  const check = `command -v ${quote(argv[0] ?? '')} >/dev/null 2>&1 || { printf %s ${ENOENT_MARK} >&2; exit 2; }`;
  const text = `${check}; ${words.join(' ')}`;
  return { text, display: argv.map(quote).join(' ') };
}

export const ENOENT_MARK = '__TSPLAY_ENOENT__';

function expandingWord(w: string): string {
  let out = '"';
  let i = 0;
  if (w === '~' || w.startsWith('~/')) {
    out += '${HOME}';
    i = 1;
  }
  while (i < w.length) {
    const rest = w.slice(i);
    const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/.exec(rest);
    if (m) {
      const name = (m[1] ?? m[2]) as string;
      out += `\${${name}-\\${m[1] !== undefined ? `{${name}}` : name}}`;
      i += m[0].length;
      continue;
    }
    const c = w[i] as string;
    out += '"\\`$'.includes(c) ? `\\${c}` : c;
    i++;
  }
  return out + '"';
}
