// The tsplay command: parses arguments, dispatches to a subcommand, returns the exit code.
// Heavy modules (the executor, ink, ssh2) are imported lazily so `--version` stays fast.
import { readFileSync } from 'node:fs';
import { atMost, parseCli, UsageError, type ParsedArgs } from './args.js';
import { resetLimits } from '../shared/limits.js';
import { forgetSources } from '../source/yaml-file.js';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
}

const closed = { stdout: false, stderr: false };

// A closed stdout or stderr (`tsplay runs | head`, a pager quit early) is not an error: what is
// left to print is dropped and the command finishes quietly (a run keeps running to its end).
export function guardPipes(): void {
  for (const name of ['stdout', 'stderr'] as const) {
    process[name].on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED' || e.code === 'EBADF') closed[name] = true;
      else if (name === 'stdout' && !closed.stderr) process.stderr.write(`tsplay: cannot write to stdout: ${e.message}\n`);
    });
  }
}

// The last resort for an exception outside any command's control (an event handler, a timer):
// reported as an internal error without a stack trace, exit status 1.
export function guardUncaught(): void {
  const report = (e: unknown): void => {
    const err = e instanceof Error ? e : new Error(String(e));
    defaultIo.err(`tsplay: internal error (a bug in tsplay, please report it): ${process.env['TSPLAY_DEBUG'] ? (err.stack ?? err.message) : `${err.name}: ${err.message}`}`);
    process.exitCode = 1;
  };
  process.on('uncaughtException', report);
  process.on('unhandledRejection', report);
}

// User text in a message: control characters shown as escapes (newlines and tabs kept).
function sanitize(s: string): string {
  return s.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const defaultIo: Io = {
  out: (s) => void (closed.stdout || process.stdout.write(s + '\n')),
  err: (s) => void (closed.stderr || process.stderr.write(s + '\n')),
  isTTY: Boolean(process.stdout.isTTY),
  env: process.env,
};

const HELP = `usage: tsplay <command> [options]

commands:
  run PLAYBOOK        run a playbook   (-i INVENTORY -l PATTERN -t TAGS --skip-tags TAGS -C --check
                      -D --diff -e K=V|@file -f FORKS --output auto|plain|tui|json
                      -c local|ssh -u USER --private-key FILE -b --become-user USER -T SECONDS
                      --resume [RUN] --redo-batch --break-lock [RUN] --allow-unsafe RULE
                      --force-handlers --step --yes -v
                      --webhook URL --pushgateway URL (notify a Slack-compatible webhook, a Pushgateway)
                      --in-cluster [--stall-after DURATION] (in a runner Pod: the service account,
                      the journal in ConfigMaps, resume the unfinished run, hand off before its own node)
                      --syntax-check --list-hosts --list-tasks --list-tags
                      --start-at-task NAME --flush-cache --vault-password-file FILE --vault-id [ID@]FILE)
  validate PLAYBOOK   report every error in the playbook and inventory; contacts no host
  plan PLAYBOOK       print the execution plan: plays, batches, tasks, handlers, guards
  inventory           -i INVENTORY --graph [GROUP] | --list | --host NAME
  modules [NAME]      list modules, or show one module's reference
  lab up|down|status|fault NAME on|off|incidents [clear]|budget [N]|advance DURATION
                      the built-in rehearsal cluster
  runs [-n NAMESPACE] list recent runs (.tsplay/runs; -n: those journaled in the cluster by its runners)
  cluster install [PLAYBOOK] [-i INVENTORY] [-n NAMESPACE] [--schedule CRON] [--image IMAGE]
                      [--ssh-secret NAME] [-u SSH_USER] [--notify-secret NAME] [--pushgateway URL]
                      [--stall-after DURATION] [-e K=V] [--kubeconfig FILE] [--context NAME]
                      [--dry-run] [-o yaml|json]
                      a CronJob running the playbook inside the cluster (ServiceAccount, RBAC, ConfigMap)
  cluster uninstall [-n NAMESPACE] [--purge]   remove it (--purge: the run journals and the namespace)

exit codes: 0 ok, 1 runtime error, 2 a host failed, 4 a host unreachable or the playbook is
invalid, 5 bad option value, 99 interrupted`;

// Reads the package version (package.json next to the build output).
export function version(): string {
  for (const rel of ['../../../package.json', '../../package.json']) {
    try {
      return (JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { version: string }).version;
    } catch {
      /* try the next location */
    }
  }
  return '0.0.0';
}

// Runs the CLI with argv (without node and script); returns the exit code.
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  // Each command starts as a new process would: limits read again from the environment, no
  // source file cached from an earlier command in this process.
  resetLimits();
  forgetSources();
  let args: ParsedArgs;
  try {
    args = parseCli(argv);
  } catch (e) {
    io.err(`tsplay: error: ${sanitize((e as Error).message)}\n\n${HELP}`);
    return 2;
  }
  if (args.flags['version']) {
    io.out(`tsplay ${version()}`);
    return 0;
  }
  if (args.flags['help'] || args.command === 'help') {
    io.out(HELP);
    return 0;
  }
  try {
    switch (args.command) {
      case 'run':
        return await (await import('./cmd-run.js')).cmdRun(args, io);
      case 'validate':
        return await (await import('./cmd-validate.js')).cmdValidate(args, io);
      case 'plan':
        return await (await import('./cmd-plan.js')).cmdPlan(args, io);
      case 'inventory':
        atMost(args, args.flags['graph'] ? 1 : 0);
        return await (await import('./cmd-inventory.js')).cmdInventory(args, io);
      case 'modules':
        atMost(args, 1);
        return await (await import('./cmd-modules.js')).cmdModules(args, io);
      case 'lab':
        return await (await import('./cmd-lab.js')).cmdLab(args, io);
      case 'runs':
        atMost(args, 0);
        return await (await import('./cmd-runs.js')).cmdRuns(args, io);
      case 'cluster':
        return await (await import('./cmd-cluster.js')).cmdCluster(args, io);
      default:
        io.err(`tsplay: error: unknown command '${sanitize(args.command)}'\n\n${HELP}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(sanitize(e.message.startsWith('ERROR!') ? e.message : `tsplay: error: ${e.message}`));
      return e.exitCode;
    }
    // never a stack trace for the user (TSPLAY_DEBUG=1 shows it) and never Ansible's 250
    const err = e instanceof Error ? e : new Error(String(e));
    const detail = io.env['TSPLAY_DEBUG'] ? (err.stack ?? err.message) : `${err.name}: ${err.message}`;
    io.err(`tsplay: internal error (a bug in tsplay, please report it): ${detail}${io.env['TSPLAY_DEBUG'] ? '' : ' (TSPLAY_DEBUG=1 prints where it happened)'}`);
    return 1;
  }
}
