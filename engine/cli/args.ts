// Command-line parsing (node:util parseArgs) with ansible-playbook's flag names.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
  }
}

const RUN_ID = /^\d{8}T\d{6}-[0-9a-f]{6}$/;

export const RUN_OPTIONS = {
  inventory: { type: 'string', short: 'i', multiple: true },
  limit: { type: 'string', short: 'l' },
  tags: { type: 'string', short: 't', multiple: true },
  'skip-tags': { type: 'string', multiple: true },
  check: { type: 'boolean', short: 'C' },
  diff: { type: 'boolean', short: 'D' },
  'extra-vars': { type: 'string', short: 'e', multiple: true },
  forks: { type: 'string', short: 'f' },
  output: { type: 'string', short: 'o' },
  resume: { type: 'boolean' },
  'resume-run': { type: 'string' },
  'force-handlers': { type: 'boolean' },
  step: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  verbose: { type: 'boolean', short: 'v', multiple: true },
  user: { type: 'string', short: 'u' },
  connection: { type: 'string', short: 'c' },
  become: { type: 'boolean', short: 'b' },
  'become-user': { type: 'string' },
  'become-method': { type: 'string' },
  'private-key': { type: 'string' },
  'break-lock': { type: 'boolean' },
  'break-lock-run': { type: 'string' },
  'redo-batch': { type: 'boolean' },
  'allow-unsafe': { type: 'string', multiple: true },
  webhook: { type: 'string' },
  pushgateway: { type: 'string' },
  'in-cluster': { type: 'boolean' },
  'stall-after': { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  schedule: { type: 'string' },
  image: { type: 'string' },
  'ssh-secret': { type: 'string' },
  'notify-secret': { type: 'string' },
  'dry-run': { type: 'boolean' },
  purge: { type: 'boolean' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  'syntax-check': { type: 'boolean' },
  'list-hosts': { type: 'boolean' },
  'list-tasks': { type: 'boolean' },
  'list-tags': { type: 'boolean' },
  'start-at-task': { type: 'string' },
  'flush-cache': { type: 'boolean' },
  'vault-password-file': { type: 'string', multiple: true },
  'vault-id': { type: 'string', multiple: true },
  timeout: { type: 'string', short: 'T' },
  help: { type: 'boolean', short: 'h' },
  graph: { type: 'boolean' },
  list: { type: 'boolean' },
  host: { type: 'string' },
  json: { type: 'boolean' },
  nodes: { type: 'string' },
  datastore: { type: 'string' },
  'control-planes': { type: 'string' },
  budget: { type: 'string' },
  version: { type: 'boolean', short: 'V' },
} as const satisfies ParseArgsConfig['options'];

export type Flags = {
  [K in keyof typeof RUN_OPTIONS]?: (typeof RUN_OPTIONS)[K] extends { multiple: true } ? string[] | boolean[] : string | boolean;
};

export interface ParsedArgs {
  command: string;
  positionals: string[];
  flags: Record<string, string | boolean | (string | boolean)[] | undefined>;
}

// The one playbook a command takes. ansible-playbook runs several in one run; tsplay refuses more
// than one rather than run the first and leave the others out unsaid.
export function onePlaybook(args: ParsedArgs, usage: string): string {
  const [pb, ...more] = args.positionals;
  if (!pb) throw new UsageError(`${args.command}: a playbook is required (${usage})`);
  if (more.length > 0) throw new UsageError(`${args.command}: one playbook at a time (got ${args.positionals.length}: ${args.positionals.join(' ')}); run them one after the other`);
  return pb;
}

// A usage error for the first positional past the n a command takes (none is silently ignored).
export function atMost(args: ParsedArgs, n: number, what = args.command): void {
  const extra = args.positionals[n];
  if (extra !== undefined) throw new UsageError(`${what}: unexpected argument '${extra}'`);
}

// Parses argv into a command, its positionals and flags; unknown flags are usage errors (exit 2).
export function parseCli(argv: string[]): ParsedArgs {
  // `--resume RUN`, `--break-lock RUN` and `--break-lock=RUN` name a run
  argv = argv.flatMap((a, i) => {
    if ((a === '--resume' || a === '--break-lock') && RUN_ID.test(argv[i + 1] ?? '')) return [a, `${a}-run`];
    if (a.startsWith('--break-lock=')) return ['--break-lock', '--break-lock-run', a.slice('--break-lock='.length)];
    return [a];
  });
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: RUN_OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/, ''));
  }
  const [command = 'help', ...positionals] = parsed.positionals;
  return { command, positionals, flags: parsed.values as ParsedArgs['flags'] };
}

// A comma-separated, repeatable flag as a flat list (`-t a,b -t c`).
export function listFlag(v: unknown): string[] {
  if (v === undefined) return [];
  const arr = Array.isArray(v) ? v : [v];
  return arr.flatMap((x) => String(x).split(',')).map((s) => s.trim()).filter(Boolean);
}

// A repeatable flag as given (no comma splitting: `-i h1,h2,` is one host-list source).
export function rawList(v: unknown): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

// A positive integer flag; a bad value is a usage error with exit 2, as ansible-playbook's
// argparse error for `--forks 0` ("The number of processes (--forks) must be >= 1", recorded in
// the conformance case e05 forks_0) and for a value that is not an integer.
export function intFlag(v: unknown, name: string, dflt: number, max = Number.MAX_SAFE_INTEGER): number {
  if (v === undefined) return dflt;
  const text = String(v).trim();
  const n = /^[+]?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`argument --${name}: invalid value '${printable(String(v))}' (a positive integer is required)`, 2);
  if (n > max) throw new UsageError(`argument --${name}: invalid value '${printable(String(v))}' (at most ${max})`, 2);
  return n;
}

/** the longest timeout a timer can hold, in seconds (setTimeout's 2^31-1 ms) */
export const MAX_TIMEOUT_S = Math.floor(0x7fffffff / 1000);

// A value from the command line as it may be shown in a message (no control characters, not huge).
export function printable(s: string): string {
  const shown = s.length > 200 ? `${s.slice(0, 200)}…` : s;
  return shown.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
