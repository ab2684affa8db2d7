// shell: runs a command line through /bin/sh (pipes, redirects and variables work).
import { raw, sh } from '../engine/connection/command.js';
import { defineModule } from '../engine/module.js';
import { probeCommand, RUN_PROPERTIES, runSpec, stringArg } from './lib/command-result.js';

// The shell arguments.
export const schema = {
  type: 'object',
  properties: {
    _raw_params: { type: 'string', description: 'the shell command line (free form)' },
    cmd: { type: 'string', description: 'the shell command line, as an argument' },
    executable: { type: 'string', description: 'the shell to use instead of /bin/sh' },
    ...RUN_PROPERTIES,
  },
  additionalProperties: false,
} as const;

export default defineModule({
  name: 'shell',
  shellText: (a) => stringArg(a['cmd'] ?? a['_raw_params']),
  summary: 'Run a command line through the shell on the host',
  schema,
  freeForm: 'command',
  checkMode: 'skipped (the command would run); with creates/removes: reports whether it would run',
  example: '- name: count lock errors\n  shell: journalctl -u snap.microk8s.daemon-k8s-dqlite --since -10m | grep -c "database is locked" || true\n  register: locked\n  changed_when: false',
  async probe(ctx, args) {
    const line = args.cmd ?? args._raw_params ?? '';
    if (line.trim() === '') throw new Error('no command given');
    return probeCommand(ctx.host_, {
      display: line,
      command: args.executable ? sh`${args.executable} -c ${line}` : sh`${raw(line)}`,
      ...runSpec(args, ctx.execDefaults),
    }, ctx.checkMode);
  },
});
