// The plain log: what ansible-playbook's default callback prints (banners 80 columns
// wide, ok/changed/fatal/skipping lines, RETRYING, included, diffs, PLAY RECAP).
import { Chalk } from 'chalk';
import type { DiffEntry } from '../module.js';
import type { RunEvent } from '../run/events.js';
import { pyJson } from './pyjson.js';
import { formatRecap } from './recap.js';
import { unifiedDiff } from './diff.js';

export interface PlainOptions {
  color: boolean;
  columns?: number;
  verbosity?: number;
  diff?: boolean;
  out: (s: string) => void;
  err: (s: string) => void;
}

// A banner line: "TASK [name] ****" padded with stars to the terminal width.
export function banner(msg: string, columns = 80): string {
  const stars = Math.max(3, columns - 1 - msg.length);
  return `\n${msg} ${'*'.repeat(stars)}`;
}

// Creates an event listener that prints the plain log.
export function plainReporter(o: PlainOptions): (e: RunEvent) => void {
  const c = new Chalk({ level: o.color ? 1 : 0 });
  const cols = o.columns ?? 80;
  let playName = '';
  let batchCount = 0;
  let checkRun = false;
  const hostLabel = (host: string, delegated?: string) => (delegated && delegated !== host ? `[${host} -> ${delegated}]` : `[${host}]`);
  const showDiff = (diff: DiffEntry[] | undefined) => {
    if (!diff) return;
    for (const d of diff) o.out(unifiedDiff(d, o.color) + '\n');
  };
  return (e) => {
    switch (e.type) {
      case 'start':
        checkRun = e.check;
        if (e.resumed_from) o.out(c.cyan(`resuming run ${e.resumed_from} as ${e.run}`));
        return;
      case 'progress':
        return;
      case 'resume_skip':
        return o.out(c.cyan(`skipping play ${e.play} batch ${e.batch} (completed before): ${e.hosts.join(', ')}`));
      case 'notify':
        if (e.resumed) o.out(c.cyan(`${e.host} still owes handler(s) from the run being resumed: ${e.handlers.join(', ')}`));
        return;
      case 'guard':
        if (e.status === 'tripped') o.err(c.red(`[GUARD] ${e.host}: ${e.condition} tripped: ${e.evidence ?? ''}`));
        else if (e.status === 'waiting') o.err(c.yellow(`[GUARD] ${e.host}: waiting for ${e.condition} to clear (${e.remaining_s ?? 0}s left): ${(e.evidence ?? '').split('\n')[0]}`));
        return;
      case 'lock':
        if (e.status === 'lost') return o.err(c.red(`[tsplay] run lock LOST: ${e.msg ?? e.where}`));
        if (e.status === 'not-released') return o.err(c.red(`[tsplay] run lock ${e.msg ?? `${e.where} NOT released`}`));
        return o.err(c.dim(`[tsplay] run lock ${e.status}: ${e.where}`));
      case 'safety':
        if (e.status === 'refused') return o.err(c.red(`[SAFETY] ${e.check}${e.host ? ` ${e.host}` : ''}: ${e.msg}`));
        if (e.status === 'waiting') return o.err(c.yellow(`[SAFETY] ${e.check}${e.host ? ` ${e.host}` : ''}: waiting (${e.remaining_s ?? 0}s left): ${e.msg}`));
        if (e.status === 'info' || (o.verbosity ?? 0) > 0) return o.err(c.dim(`[SAFETY] ${e.check}: ${e.msg}`));
        return;
      case 'play':
        playName = e.name;
        batchCount = 0;
        return o.out(banner(`PLAY [${e.name}]`, cols));
      case 'batch':
        batchCount++;
        if (batchCount > 1) o.out(banner(`PLAY [${playName}]`, cols));
        return;
      case 'no_hosts':
        return o.out(c.cyan('skipping: no hosts matched'));
      case 'task':
        return o.out(banner(`${e.handler ? 'RUNNING HANDLER' : 'TASK'} [${e.name}]`, cols));
      case 'include':
        return o.out(c.cyan(`included: ${e.file} for ${e.hosts.join(', ')}${e.item !== undefined ? ` => (item=${labelOf(e.item)})` : ''}`));
      case 'retry':
        return o.out(c.red(`FAILED - RETRYING: [${e.host}]: ${e.task} (${e.retries - (e.attempts ?? 0)} retries left).`));
      case 'result':
      case 'item': {
        if (e.type === 'result' && e.include === true && e.status === 'ok') return;
        if (e.type === 'result' && e.resumed === true) return o.out(c.cyan(`${e.status === 'skipped' ? 'skipping' : e.status}: ${hostLabel(e.host, e.delegated_to)} (done before; restored by --resume, not run again)`));
        if (e.type === 'result' && Array.isArray(e.result?.['results']) && e.status !== 'skipped') {
          if (e.status === 'ignored') o.out(c.cyan('...ignoring'));
          return;
        }
        showDiff(e.diff);
        const item = e.type === 'item' ? ` (item=${labelOf(e.item)})` : '';
        const label = hostLabel(e.host, e.delegated_to);
        const r = e.result ?? {};
        const verbose = e.verbose_always === true || r['_ansible_verbose_always'] === true || (o.verbosity ?? 0) > 0;
        const body = verbose ? ` => ${pyJson(verboseView(r, e.verbose_always === true), 4)}` : '';
        // a module's brief report (drain: pods evicted; reboot: boot ids) where -v would show the result
        const brief = !verbose && typeof e.report?.summary === 'string' ? ` (${e.report.summary})` : '';
        switch (e.status) {
          case 'ok':
            return o.out(c.green(`ok: ${label}${item ? ' =>' + item : ''}${brief}${body}`));
          case 'changed':
            return o.out(c.yellow(`changed: ${label}${item ? ' =>' + item : ''}${brief}${body}`));
          case 'skipped': {
            const would = checkRun ? wouldRun(r) : undefined;
            if (would) return o.out(c.yellow(`would run: ${label}${item} => ${would} (not run in check mode)`));
            return o.out(c.cyan(`skipping: ${label}${item ? ' =>' + item + ' ' : ''}`));
          }
          case 'unreachable':
            o.out(c.red(`fatal: ${label}: UNREACHABLE! => ${pyJson(verboseView(r))}`));
            return o.err(c.dim(failureNotice(e)));
          case 'failed':
          case 'ignored': {
            const head = e.type === 'item' ? `failed: ${label}${item} => ` : `fatal: ${label}: FAILED! => `;
            o.out(c.red(head + pyJson(verboseView(r), r['_ansible_verbose_always'] === true ? 4 : undefined)));
            if (e.status === 'ignored') o.out(c.cyan('...ignoring'));
            else if (e.type === 'result') o.err(c.dim(failureNotice(e)));
            return;
          }
        }
        return;
      }
      case 'no_hosts_remaining':
        return o.out(c.red(banner('NO MORE HOSTS LEFT', cols)));
      case 'warning':
        return o.err(c.magenta(`[WARNING]: ${e.msg}`));
      case 'error':
        return o.err(c.red(e.msg));
      case 'recap':
        return o.out(formatRecap(e.stats, { color: o.color, columns: cols }));
    }
  };
}

// tsplay's one-line summary of a failure (stderr): task, host, source position and command —
// what Ansible only shows with -v (`task path:`) or not at all.
export function failureNotice(e: Extract<RunEvent, { type: 'result' | 'item' }>): string {
  const r = e.result ?? {};
  const cmd = r['cmd'];
  const command = Array.isArray(cmd) ? cmd.map(String).join(' ') : typeof cmd === 'string' ? cmd : undefined;
  const what = e.status === 'unreachable' ? 'host unreachable' : `${e.handler ? 'handler' : 'task'} failed`;
  const parts = [`[tsplay] ${what}: '${e.task}' on ${e.host}${e.delegated_to && e.delegated_to !== e.host ? ` (delegated to ${e.delegated_to})` : ''}`];
  if (e.source) parts.push(`at ${e.source}`);
  if (command) parts.push(`command: ${command}${typeof r['rc'] === 'number' ? ` (rc ${String(r['rc'])})` : ''}`);
  return parts.join(', ');
}

function labelOf(item: unknown): string {
  if (typeof item === 'string') return item;
  return pyJson(item);
}

// The command a --check run skipped (Ansible's "Command would have run if not in check mode").
export function wouldRun(r: Record<string, unknown>): string | undefined {
  if (typeof r['_tsplay_would_run'] === 'string') return r['_tsplay_would_run'];
  if (r['msg'] !== 'Command would have run if not in check mode') return undefined;
  const cmd = r['cmd'];
  return Array.isArray(cmd) ? cmd.map(String).join(' ') : typeof cmd === 'string' ? cmd : 'the command';
}

// What the default callback shows of a result: never `failed`/`skipped`/`diff`; for debug
// only the message or variable.
function verboseView(r: Record<string, unknown>, shownAlways = false): Record<string, unknown> {
  const hide = shownAlways ? DEBUG_HIDDEN : HIDDEN;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (!hide.has(k)) out[k] = v;
  return out;
}

const HIDDEN = new Set(['failed', 'skipped', 'diff']);
const DEBUG_HIDDEN = new Set(['failed', 'skipped', 'diff', 'changed', 'failed_when_result', 'item', 'ansible_loop_var', 'ansible_index_var']);
