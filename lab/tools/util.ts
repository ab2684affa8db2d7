// Helpers shared by the simulated CLIs: results, GNU-style option parsing, tables, timestamps.
import type { NodeSim } from '../node.js';
import type { LabSim } from '../sim.js';
import type { ToolCall, ToolResult } from '../types.js';

// A successful result.
export function ok(stdout = '', stderr = ''): ToolResult {
  return { stdout, stderr, rc: 0 };
}

// A failed result.
export function fail(rc: number, stderr: string, stdout = ''): ToolResult {
  return { stdout, stderr: stderr === '' || stderr.endsWith('\n') ? stderr : `${stderr}\n`, rc };
}

// Lines joined with a trailing newline ('' for none).
export function text(lines: string[]): string {
  return lines.length ? `${lines.join('\n')}\n` : '';
}

// One option a command accepts.
export interface OptSpec {
  key: string;
  short?: string;
  long?: string[];
  arg?: boolean;
}

// Parsed options: values per key (flags get '' per occurrence), positionals, or an error message.
export interface ParsedOpts {
  opts: Map<string, string[]>;
  positionals: string[];
  error?: string;
}

// Parse GNU-style arguments (-x, -xVALUE, -x VALUE, -abc, --long, --long=VALUE, --long VALUE, --).
// With stopAtPositional, everything from the first positional on is positional (subcommand CLIs).
export function parseOpts(args: string[], specs: OptSpec[], stopAtPositional = false): ParsedOpts {
  const opts = new Map<string, string[]>();
  const positionals: string[] = [];
  const put = (k: string, v: string) => opts.set(k, [...(opts.get(k) ?? []), v]);
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      const spec = specs.find((s) => s.long?.includes(name));
      if (!spec) return { opts, positionals, error: `unrecognized option '--${name}'` };
      if (!spec.arg) {
        if (eq > 0) return { opts, positionals, error: `option '--${name}' doesn't allow an argument` };
        put(spec.key, '');
      } else if (eq > 0) put(spec.key, a.slice(eq + 1));
      else {
        const v = args[++i];
        if (v === undefined) return { opts, positionals, error: `option '--${name}' requires an argument` };
        put(spec.key, v);
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j] as string;
        const spec = specs.find((s) => s.short === c);
        if (!spec) return { opts, positionals, error: `invalid option -- '${c}'` };
        if (!spec.arg) {
          put(spec.key, '');
          continue;
        }
        const rest = a.slice(j + 1);
        const v = rest !== '' ? rest : args[++i];
        if (v === undefined) return { opts, positionals, error: `option requires an argument -- '${c}'` };
        put(spec.key, v);
        break;
      }
      continue;
    }
    if (stopAtPositional) {
      positionals.push(...args.slice(i));
      break;
    }
    positionals.push(a);
  }
  return { opts, positionals };
}

// The last value of an option, if given.
export function last(p: ParsedOpts, key: string): string | undefined {
  const v = p.opts.get(key);
  return v ? v[v.length - 1] : undefined;
}

// Whether a flag was given.
export function has(p: ParsedOpts, key: string): boolean {
  return p.opts.has(key);
}

// Rows laid out like Go's text/tabwriter: every column but the last padded to max(minwidth, width + padding).
export function tabwrite(rows: string[][], minwidth: number, padding: number): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, [...c].length)));
  return text(rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(Math.max(minwidth, (widths[i] ?? 0) + padding)))).join('')));
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

// systemd's timestamp format: `Wed 2026-06-24 16:16:10 UTC`.
export function systemdTime(ts: number | undefined): string {
  if (!ts) return '';
  const d = new Date(ts);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC`;
}

// Docker's units.HumanDuration (crictl's CREATED column, without " ago").
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const m = Math.floor(s / 60);
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  const h = Math.round(s / 3600);
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  if (h < 24 * 7 * 2) return `${Math.floor(h / 24)} days`;
  if (h < 24 * 30 * 2) return `${Math.floor(h / 24 / 7)} weeks`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24 / 30)} months`;
  return `${Math.floor(s / 3600 / 24 / 365)} years`;
}

// A logrus text line for crictl (`time="..." level=fatal msg="..."`).
export function logrusLine(level: 'fatal' | 'warning' | 'error' | 'info', msg: string): string {
  return `time="${new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')}" level=${level} msg=${JSON.stringify(msg)}\n`;
}

// A simulated command: runs against the simulation for one node.
export type ToolFn = (sim: LabSim, node: NodeSim, call: ToolCall) => ToolResult | Promise<ToolResult>;
