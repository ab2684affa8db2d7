// `tsplay run`: load, validate (nothing runs if anything is wrong), then execute with the
// chosen reporter and return ansible-playbook's exit code.
import { builtinModules } from '../../modules/index.js';
import { formatDiagnostics } from '../source/format.js';
import { limitHosts } from '../inventory/index.js';
import { jsonReporter } from '../report/json.js';
import { checkSummary } from '../report/check-summary.js';
import { formatListings } from '../report/listings.js';
import { plainReporter } from '../report/plain.js';
import { runPlaybook } from '../run/playbook.js';
import type { Listener } from '../run/events.js';
import type { RunOptions } from '../run/context.js';
import { intFlag, listFlag, MAX_TIMEOUT_S, rawList, UsageError, type ParsedArgs } from './args.js';
import { loadConfig, parseExtraVars } from './config.js';
import { hasErrors, inventorySources, prepare, validationExit } from './prepare.js';
import type { Io } from './app.js';
import { registerTransports } from './transports.js';
import { openJournal } from '../run/journal.js';
import { newRunId } from '../run/context.js';
import { formatPlan } from '../report/plan.js';
import { resumePlan } from './resume.js';
import { UNSAFE_RULES } from '../run/safety/index.js';
import type { TuiReporter } from '../ui/reporter.js';

// Answers --step and confirm: questions: --yes says yes; a terminal asks; otherwise no.
function confirmer(args: ParsedArgs, io: Io): NonNullable<RunOptions['confirm']> {
  return async (question, kind) => {
    if (args.flags['yes'] === true) return 'yes';
    if (!io.isTTY || !process.stdin.isTTY) {
      io.err(`[tsplay] ${question} — no terminal to ask; pass --yes to answer yes`);
      return 'no';
    }
    const { createInterface } = await import('node:readline/promises');
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const a = (await rl.question(kind === 'step' ? `${question} ` : `${question} [y/N] `)).trim().toLowerCase();
      if (kind === 'step' && (a === 'c' || a === 'continue')) return 'continue';
      return a === 'y' || a === 'yes' ? 'yes' : 'no';
    } finally {
      rl.close();
    }
  };
}

// The options worth recording in the run journal (no secrets from -e).
function journalOptions(o: RunOptions): Record<string, unknown> {
  return { check: o.check, diff: o.diff, forks: o.forks, tags: o.tags, limit: o.limit, extra_vars: Object.keys(o.extraVars), ...(o.allowUnsafe ? { allow_unsafe: o.allowUnsafe } : {}) };
}

export type OutputMode = 'plain' | 'tui' | 'json';

// Resolves --output auto: the live view on a TTY without CI, the plain log otherwise.
export function outputMode(flag: unknown, io: Io): OutputMode {
  const v = flag === undefined ? 'auto' : String(flag);
  if (!['auto', 'plain', 'tui', 'json'].includes(v)) throw new UsageError(`argument --output: invalid choice '${v}' (choose from auto, plain, tui, json)`, 5);
  if (v === 'auto') return io.isTTY && !io.env['CI'] && io.env['TERM'] !== 'dumb' ? 'tui' : 'plain';
  return v as OutputMode;
}

// Builds run options from flags and ansible.cfg.
export function runOptions(args: ParsedArgs, forks: number): RunOptions {
  const f = args.flags;
  const verbosity = Array.isArray(f['verbose']) ? f['verbose'].length : f['verbose'] ? 1 : 0;
  const opts: RunOptions = {
    modules: builtinModules(),
    check: f['check'] === true,
    diff: f['diff'] === true,
    forks,
    tags: { only: listFlag(f['tags']), skip: listFlag(f['skip-tags']) },
    extraVars: parseExtraVars(((f['extra-vars'] as string[] | undefined) ?? []).map(String)),
    forceHandlers: f['force-handlers'] === true,
    verbosity,
  };
  if (typeof f['limit'] === 'string') opts.limit = f['limit'];
  if (typeof f['user'] === 'string') opts.user = f['user'];
  if (typeof f['private-key'] === 'string') opts.privateKeyFile = f['private-key'];
  if (typeof f['connection'] === 'string') opts.connection = f['connection'];
  if (f['become'] === true) opts.become = true;
  if (typeof f['become-user'] === 'string') opts.becomeUser = f['become-user'];
  if (typeof f['become-method'] === 'string') opts.becomeMethod = f['become-method'];
  if (f['break-lock'] === true) opts.breakLock = true;
  const unsafe = listFlag(f['allow-unsafe']);
  for (const r of unsafe) if (!(UNSAFE_RULES as readonly string[]).includes(r)) throw new UsageError(`argument --allow-unsafe: invalid choice '${r}' (choose from ${UNSAFE_RULES.join(', ')})`, 5);
  if (unsafe.length > 0) opts.allowUnsafe = unsafe;
  if (f['step'] === true) opts.step = true;
  if (typeof f['timeout'] === 'string') opts.connectTimeoutMs = intFlag(f['timeout'], 'timeout', 10, MAX_TIMEOUT_S) * 1000;
  return opts;
}

export async function cmdRun(args: ParsedArgs, io: Io): Promise<number> {
  const pbPath = args.positionals[0];
  if (!pbPath) throw new UsageError('run: a playbook is required (tsplay run PLAYBOOK)');
  const cfg = loadConfig(io.env);
  const forks = intFlag(args.flags['forks'] ?? (cfg.forks !== undefined ? String(cfg.forks) : undefined), 'forks', 5);
  const options = runOptions(args, forks);
  if (cfg.forceHandlers) options.forceHandlers = true;
  if (cfg.hostKeyChecking !== undefined) options.hostKeyChecking = cfg.hostKeyChecking;
  if (!options.user && cfg.remoteUser) options.user = cfg.remoteUser;
  if (!options.privateKeyFile && cfg.privateKeyFile) options.privateKeyFile = cfg.privateKeyFile;
  const mode = outputMode(args.flags['output'], io);
  const sources = inventorySources(rawList(args.flags['inventory']), cfg);
  const prep = prepare({ playbook: pbPath, sources, extraVars: options.extraVars, rolesPath: cfg.rolesPath, modules: options.modules, tags: options.tags, ...(options.limit !== undefined ? { limit: options.limit } : {}) });
  if (hasErrors(prep.diagnostics) || !prep.playbook || !prep.inventory) {
    io.err(formatDiagnostics(prep.diagnostics, { color: io.isTTY && !io.env['NO_COLOR'] }));
    return validationExit(prep.diagnostics);
  }
  for (const d of prep.diagnostics) io.err(formatDiagnostics([d], { color: false }));
  const list = { hosts: args.flags['list-hosts'] === true, tasks: args.flags['list-tasks'] === true, tags: args.flags['list-tags'] === true };
  if (args.flags['syntax-check'] === true || list.hosts || list.tasks || list.tags) {
    // like ansible-playbook: report and stop; nothing is contacted
    if (prep.plan) io.out(formatListings(pbPath, prep.playbook, prep.plan, options.tags, list));
    return 0;
  }
  if (options.limit !== undefined) {
    const all = [...prep.inventory.hosts.keys()];
    const limited = limitHosts(prep.inventory, all, options.limit);
    if (!limited.ok || limited.value.length === 0) {
      io.err('ERROR! Specified inventory, host pattern and/or --limit leaves us with no hosts to target.');
      return 1;
    }
  }
  await registerTransports();
  if (args.flags['resume'] === true || typeof args.flags['resume-run'] === 'string') {
    options.resume = resumePlan(pbPath, prep.inventory.sources, typeof args.flags['resume-run'] === 'string' ? args.flags['resume-run'] : undefined);
  }
  if (prep.plan) options.planSummary = { plays: prep.plan.plays.map((p) => ({ name: p.name, hosts: p.hosts.length, batches: p.batches.length, tasks: p.tasks.length })) };
  if (options.check && mode !== 'json' && prep.plan) io.out(formatPlan(prep.plan, { color: io.isTTY && !io.env['NO_COLOR'], tags: options.tags.only, skipTags: options.tags.skip, ...(options.limit ? { limit: options.limit } : {}), safety: { ...(options.allowUnsafe ? { allowUnsafe: options.allowUnsafe } : {}) } }) + '\n');
  const ask = confirmer(args, io);
  let tui: TuiReporter | undefined;
  options.confirm = async (q, kind) => {
    tui?.pause();
    try {
      return await ask(q, kind);
    } finally {
      tui?.resume();
    }
  };
  const listeners: Listener[] = [];
  if (mode === 'json') listeners.push(jsonReporter(io.out, options.verbosity));
  else if (mode === 'tui') {
    tui = (await import('../ui/reporter.js')).tuiReporter();
    listeners.push(tui.listener);
  } else listeners.push(plainReporter({ color: io.isTTY && !io.env['NO_COLOR'], verbosity: options.verbosity, diff: options.diff, out: io.out, err: io.err }));
  const summaryOfCheck = options.check && mode !== 'json' ? checkSummary() : undefined;
  if (summaryOfCheck) listeners.push(summaryOfCheck.listener);
  const hard = new AbortController();
  const stop = new AbortController();
  options.signal = hard.signal;
  options.stop = stop.signal;
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      const msg = '[tsplay] interrupted: no new task starts; waiting for the commands in flight (Ctrl-C again to abort them)';
      if (tui) tui.print(msg, 'error');
      else io.err('\n' + msg);
      stop.abort();
    } else hard.abort();
  };
  process.on('SIGINT', onSigint);
  const journal = openJournal({ run: options.runId ?? (options.runId = newRunId()), playbook: prep.playbook.file, inventory: prep.inventory.sources, options: journalOptions(options), ...(options.resume ? { resumed_from: options.resume.from } : {}) });
  listeners.push(journal.listener);
  try {
    const summary = await runPlaybook(prep.playbook, prep.inventory, options, listeners);
    await tui?.finish();
    if (summaryOfCheck) io.out(summaryOfCheck.text({ color: io.isTTY && !io.env['NO_COLOR'] }));
    journal.close(summary.rc, summary.rc === 99 ? 'interrupted' : summary.rc === 0 ? 'ok' : summary.ctx.runtimeError ? 'error' : 'failed');
    if (summary.rc !== 0 && summary.rc !== 1 && mode !== 'json' && summary.ctx.stopped) io.err(`[tsplay] run ${summary.runId} recorded in ${journal.path}; continue it with --resume`);
    return summary.rc;
  } catch (e) {
    journal.close(250, 'error');
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
    await tui?.finish();
  }
}
