// `tsplay run`: load, validate (nothing runs if anything is wrong), open the run journal (nothing
// runs if it cannot be written), then execute with the chosen reporter and return
// ansible-playbook's exit code; the journal ends with the run's state.
import { loadVaultSecrets } from './vault-secrets.js';
import { hostname } from 'node:os';
import { resolve as resolvePath } from 'node:path';
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
import { intFlag, listFlag, MAX_TIMEOUT_S, onePlaybook, rawList, UsageError, type ParsedArgs } from './args.js';
import { loadConfig, parseExtraVars } from './config.js';
import { ansibleModulesOf, hasErrors, inventorySources, prepare, validationExit } from './prepare.js';
import type { Io } from './app.js';
import { registerTransports } from './transports.js';
import { Journal, JournalError, markResumed, type RunStatus } from '../run/journal.js';
import { newRunId } from '../run/context.js';
import type { RunSummary } from '../run/playbook.js';
import { formatPlan } from '../report/plan.js';
import { playbookSha, resumePlan } from './resume.js';
import { UNSAFE_RULES } from '../run/safety/index.js';
import { notifyListener, notifyStalled, type NotifyTargets } from '../report/notify-send.js';
import type { InClusterRun } from '../incluster/runner.js';
import { parseDuration } from '../shared/duration.js';
import { groupVars, type Inventory } from '../inventory/index.js';
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

// Asks for a vars_prompt value on the terminal (the default shown in brackets; a private answer is not echoed).
async function askText(question: string, o: { private: boolean; default?: string }, pause: () => void, resume: () => void): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const { Writable } = await import('node:stream');
  pause();
  process.stderr.write(`${question}${o.default !== undefined ? ` [${o.default}]` : ''}: `);
  const output = o.private ? new Writable({ write: (_c, _e, cb) => cb() }) : process.stderr;
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  try {
    return await rl.question('');
  } finally {
    rl.close();
    if (o.private) process.stderr.write('\n');
    resume();
  }
}

// The options worth recording in the run journal (no secrets from -e).
function journalOptions(o: RunOptions): Record<string, unknown> {
  return { check: o.check, diff: o.diff, forks: o.forks, tags: o.tags, limit: o.limit, extra_vars: Object.keys(o.extraVars), ...(o.allowUnsafe ? { allow_unsafe: o.allowUnsafe } : {}) };
}

// The run's final state for its journal.
function runStatus(summary: RunSummary, check: boolean): RunStatus {
  if (summary.refused) return 'refused';
  if (summary.ctx.stopped === 'handed-off') return 'handed-off';
  if (check) return 'check';
  if (summary.rc === 0) return 'finished';
  if (summary.rc === 99 || summary.ctx.stopped === 'halted') return 'interrupted';
  return 'failed';
}

// Ends the journal with the run's state, closes the run it resumed, and says how to continue.
async function closeJournal(journal: Journal, summary: RunSummary, options: RunOptions, io: Io, mode: OutputMode, ic?: InClusterRun): Promise<void> {
  const status = runStatus(summary, options.check);
  const reason = summary.refused ?? summary.ctx.runtimeError ?? summary.ctx.handedOff;
  const closed = journal.close(summary.rc, status, reason === undefined ? undefined : summary.ctx.secrets.text(reason));
  const whole = (await journal.settle()) && closed;
  if (options.resume && status !== 'refused' && status !== 'check') {
    if (ic) await ic.markResumed(options.resume.from, summary.runId, status).catch(() => undefined);
    else if (options.resume.fromPath) markResumed(options.resume.fromPath, summary.runId, status);
  }
  if (!whole) io.err(`[tsplay] the run journal ${journal.path} misses ${journal.missing} record(s): ${journal.failure ?? 'write failed'}`);
  if ((status === 'failed' || status === 'interrupted') && (summary.ctx.stopped || summary.ctx.haltReason) && mode !== 'json') io.err(`[tsplay] run ${summary.runId} recorded in ${journal.path}; continue it with --resume${journal.failure ? ' once the journal can be written again' : ''}`);
}

// A run refused before anything ran (an invalid playbook or inventory) is journaled as refused, if it can be.
function recordRefused(playbook: string, inventory: string[], o: RunOptions, rc: number, reason: string): void {
  try {
    new Journal({ run: newRunId(), playbook: resolvePath(playbook), inventory, options: journalOptions(o), check: o.check, host: hostname(), pid: process.pid }).close(rc, 'refused', reason);
  } catch {
    /* the diagnostics were printed; the journal is a courtesy here */
  }
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
  if (typeof f['break-lock-run'] === 'string') opts.breakLock = f['break-lock-run'];
  else if (f['break-lock'] === true) opts.breakLock = true;
  const unsafe = listFlag(f['allow-unsafe']);
  for (const r of unsafe) if (!(UNSAFE_RULES as readonly string[]).includes(r)) throw new UsageError(`argument --allow-unsafe: invalid choice '${r}' (choose from ${UNSAFE_RULES.join(', ')})`, 5);
  if (unsafe.length > 0) opts.allowUnsafe = unsafe;
  if (f['step'] === true) opts.step = true;
  if (typeof f['start-at-task'] === 'string') opts.startAtTask = f['start-at-task'];
  // --flush-cache: tsplay keeps no fact cache between runs, so there is nothing to flush
  if (typeof f['timeout'] === 'string') opts.connectTimeoutMs = intFlag(f['timeout'], 'timeout', 10, MAX_TIMEOUT_S) * 1000;
  return opts;
}

// Where to send notifications: --webhook/--pushgateway, TSPLAY_WEBHOOK_URL/TSPLAY_PUSHGATEWAY_URL,
// or the inventory's tsplay_webhook_url/tsplay_pushgateway_url (group all).
function notifyTargets(args: ParsedArgs, io: Io, inv: Inventory): NotifyTargets {
  const all = groupVars(inv, 'all');
  const pick = (flag: string, env: string, v: string): string | undefined => {
    const f = args.flags[flag];
    if (typeof f === 'string' && f) return f;
    if (io.env[env]) return io.env[env];
    return typeof all[v] === 'string' && all[v] ? (all[v] as string) : undefined;
  };
  const webhook = pick('webhook', 'TSPLAY_WEBHOOK_URL', 'tsplay_webhook_url');
  const pushgateway = pick('pushgateway', 'TSPLAY_PUSHGATEWAY_URL', 'tsplay_pushgateway_url');
  for (const [name, u] of [['--webhook', webhook], ['--pushgateway', pushgateway]] as const) {
    if (u !== undefined && !/^https?:\/\/[^/]/.test(u)) throw new UsageError(`argument ${name}: not an http(s) URL`, 5);
  }
  return { ...(webhook ? { webhook } : {}), ...(pushgateway ? { pushgateway } : {}) };
}

// --stall-after, TSPLAY_STALL_AFTER or the inventory's tsplay_stall_after: how long a chain may go
// without a finished batch (default 6h).
function stallAfter(args: ParsedArgs, io: Io, inv: Inventory): number {
  const v = args.flags['stall-after'] ?? io.env['TSPLAY_STALL_AFTER'] ?? groupVars(inv, 'all')['tsplay_stall_after'];
  if (v === undefined || v === '') return 6 * 3600;
  const s = parseDuration(String(v));
  if (s === undefined || s <= 0) throw new UsageError(`argument --stall-after: invalid duration '${String(v)}' (e.g. 90m, 6h)`, 5);
  return s;
}

export async function cmdRun(args: ParsedArgs, io: Io): Promise<number> {
  const pbPath = onePlaybook(args, 'tsplay run PLAYBOOK');
  const cfg = loadConfig(io.env);
  loadVaultSecrets(args, cfg.vaultPasswordFiles);
  const forks = intFlag(args.flags['forks'] ?? (cfg.forks !== undefined ? String(cfg.forks) : undefined), 'forks', 5);
  const options = runOptions(args, forks);
  if (cfg.forceHandlers) options.forceHandlers = true;
  if (cfg.jinja2Native) options.jinja2Native = true;
  if (cfg.errorOnMissingHandler === false) options.errorOnMissingHandler = false;
  if (options.become === undefined && cfg.become) options.become = true;
  if (options.becomeUser === undefined && cfg.becomeUser) options.becomeUser = cfg.becomeUser;
  if (options.becomeMethod === undefined && cfg.becomeMethod) options.becomeMethod = cfg.becomeMethod;
  if (cfg.hostKeyChecking !== undefined) options.hostKeyChecking = cfg.hostKeyChecking;
  if (!options.user && cfg.remoteUser) options.user = cfg.remoteUser;
  if (!options.privateKeyFile && cfg.privateKeyFile) options.privateKeyFile = cfg.privateKeyFile;
  const mode = outputMode(args.flags['output'], io);
  const sources = inventorySources(rawList(args.flags['inventory']), cfg);
  const ansibleModules = ansibleModulesOf(cfg);
  options.load = { rolesPath: cfg.rolesPath, ansibleModules };
  const prep = prepare({ playbook: pbPath, sources, extraVars: options.extraVars, rolesPath: cfg.rolesPath, modules: options.modules, ansibleModules, tags: options.tags, ...(options.limit !== undefined ? { limit: options.limit } : {}) });
  if (hasErrors(prep.diagnostics) || !prep.playbook || !prep.inventory) {
    io.err(formatDiagnostics(prep.diagnostics, { color: io.isTTY && !io.env['NO_COLOR'] }));
    const rc = validationExit(prep.diagnostics);
    if (args.flags['syntax-check'] !== true) recordRefused(pbPath, prep.inventory?.sources ?? sources, options, rc, 'the playbook or inventory is invalid');
    return rc;
  }
  for (const d of prep.diagnostics) io.err(formatDiagnostics([d], { color: false }));
  const list = { hosts: args.flags['list-hosts'] === true, tasks: args.flags['list-tasks'] === true, tags: args.flags['list-tags'] === true };
  if (args.flags['syntax-check'] === true || list.hosts || list.tasks || list.tags) {
    // like ansible-playbook: report and stop; nothing is contacted
    if (prep.plan) io.out(formatListings(pbPath, prep.playbook, prep.plan, options.tags, list, options.extraVars));
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
  const sha = playbookSha(prep.playbook.shapes.map((x) => ({ path: x.file.path, text: x.file.text })));
  const targets = notifyTargets(args, io, prep.inventory);
  let ic: InClusterRun | undefined;
  if (args.flags['in-cluster'] === true) {
    // the chain of runs in the cluster journal decides: afresh, resume, or leave it to another runner
    try {
      ic = await (await import('../incluster/runner.js')).startInCluster({ env: io.env, playbook: prep.playbook.file, inventory: prep.inventory.sources, stallAfterS: stallAfter(args, io, prep.inventory) });
    } catch (e) {
      if (e instanceof UsageError || !(e instanceof Error)) throw e;
      throw new UsageError(`--in-cluster: ${e.message}`, 1);
    }
    options.selfNode = ic.node;
    if (ic.stall) {
      io.err(`[tsplay] run ${ic.stall.run} is stalled: no batch finished since ${ic.stall.since}`);
      await notifyStalled(targets, ic.stall, { warn: (m) => io.err(`[tsplay] ${m}`) });
    }
    // a --check run only looks: it neither resumes nor leaves anything to another runner
    if (options.check) ic.decision = { kind: 'fresh' };
    if (ic.decision.kind === 'leave') {
      io.err(`[tsplay] nothing to do here: ${ic.decision.why}`);
      ic.client.close();
      return 0;
    }
    if (ic.decision.kind === 'resume') {
      options.resume = resumePlan(pbPath, prep.inventory.sources, ic.decision.run, { sha, runs: ic.runs });
      if (ic.decision.breakLock) options.breakLock = true;
      io.err(`[tsplay] resuming run ${ic.decision.run} from the cluster journal`);
    }
  } else if (args.flags['resume'] === true || typeof args.flags['resume-run'] === 'string') {
    options.resume = resumePlan(pbPath, prep.inventory.sources, typeof args.flags['resume-run'] === 'string' ? args.flags['resume-run'] : undefined, { redoBatch: args.flags['redo-batch'] === true, sha });
  } else if (args.flags['redo-batch'] === true) throw new UsageError('--redo-batch goes with --resume', 5);
  // the journal first: nothing is contacted unless the run can be recorded
  let journal: Journal;
  try {
    const run = options.runId ?? (options.runId = newRunId());
    journal = new Journal({ run, playbook: prep.playbook.file, inventory: prep.inventory.sources, options: journalOptions(options), check: options.check, host: hostname(), pid: process.pid, playbook_sha: sha, ...(options.resume ? { resumed_from: options.resume.from } : {}), ...(options.resume?.redoBatch ? { redo_batch: true } : {}) }, ic ? ic.sink(run) : undefined);
    if (ic) options.inCluster = ic.hooks(journal, run);
  } catch (e) {
    if (!(e instanceof JournalError)) throw e;
    io.err(`ERROR! ${e.message}; nothing was run (free some space, or fix the permissions of .tsplay/runs)`);
    return 1;
  }
  options.journal = journal;
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
  if (io.isTTY && process.stdin.isTTY) options.prompt = (q, o) => askText(q, o, () => tui?.pause(), () => tui?.resume());
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
  listeners.push(journal.listener);
  if (ic) listeners.push(ic.listener);
  const notify = targets.webhook || targets.pushgateway ? notifyListener(targets, { warn: (m) => io.err(`[tsplay] ${m}`) }) : undefined;
  if (notify) listeners.push(notify.listener);
  try {
    const summary = await runPlaybook(prep.playbook, prep.inventory, options, listeners);
    await notify?.flush();
    await tui?.finish();
    if (summaryOfCheck) io.out(summaryOfCheck.text({ color: io.isTTY && !io.env['NO_COLOR'] }));
    await closeJournal(journal, summary, options, io, mode, ic);
    return summary.rc;
  } catch (e) {
    journal.close(250, 'failed', `internal error: ${(e as Error).message}`);
    await journal.settle();
    throw e;
  } finally {
    await tui?.finish();
    ic?.client.close();
    // removed last: a second Ctrl-C while the run winds down still counts as this run's (exit 99)
    process.off('SIGINT', onSigint);
  }
}
