// The limits that keep hostile or broken input from crashing, hanging or exhausting memory:
// one table, each limit with its default and the environment variable that raises it. Ansible
// has none of these; the defaults sit far above anything a real playbook or inventory needs.

export type LimitName =
  | 'fileBytes'
  | 'lineChars'
  | 'yamlDepth'
  | 'yamlAliases'
  | 'exprDepth'
  | 'stringChars'
  | 'listItems'
  | 'exprSteps'
  | 'templateDepth'
  | 'includeDepth'
  | 'hostRange'
  | 'groupDepth';

export interface LimitSpec {
  env: string;
  default: number;
  /** what is limited, for messages ("the size of a source file") */
  what: string;
  unit: string;
}

export const LIMITS: Record<LimitName, LimitSpec> = {
  fileBytes: { env: 'TSPLAY_MAX_FILE_BYTES', default: 2 * 1024 * 1024, what: 'the size of a playbook, task, vars or inventory file', unit: 'bytes' },
  lineChars: { env: 'TSPLAY_MAX_LINE_LENGTH', default: 1024 * 1024, what: 'the length of one line of a source file', unit: 'characters' },
  yamlDepth: { env: 'TSPLAY_MAX_YAML_DEPTH', default: 500, what: 'the nesting depth of YAML collections', unit: 'levels' },
  yamlAliases: { env: 'TSPLAY_MAX_YAML_ALIASES', default: 1000, what: "the nodes YAML aliases may expand to (the yaml library's maxAliasCount)", unit: 'nodes' },
  exprDepth: { env: 'TSPLAY_MAX_EXPR_DEPTH', default: 200, what: 'the nesting depth of an expression (each operator, filter or attribute in a chain is a level) or of template statements', unit: 'levels' },
  stringChars: { env: 'TSPLAY_MAX_STRING', default: 16 * 1024 * 1024, what: 'the length of a string produced by an expression', unit: 'characters' },
  listItems: { env: 'TSPLAY_MAX_LIST', default: 1_000_000, what: 'the length of a list produced by an expression', unit: 'items' },
  exprSteps: { env: 'TSPLAY_MAX_EXPR_STEPS', default: 20_000_000, what: 'the evaluation steps of one template or expression', unit: 'steps' },
  templateDepth: { env: 'TSPLAY_MAX_TEMPLATE_DEPTH', default: 100, what: 'nested templating (variables whose templates use variables, template lookups)', unit: 'levels' },
  hostRange: { env: 'TSPLAY_MAX_HOST_RANGE', default: 100_000, what: 'the hosts one inventory host pattern (web[1:100]) expands to', unit: 'hosts' },
  groupDepth: { env: 'TSPLAY_MAX_GROUP_DEPTH', default: 200, what: 'the nesting depth of inventory groups (children of children)', unit: 'levels' },
  includeDepth: { env: 'TSPLAY_MAX_INCLUDE_DEPTH', default: 100, what: 'nested include_tasks, include_role, import_tasks, import_role and import_playbook', unit: 'levels' },
};

const cache = new Map<LimitName, number>();

// The value of a limit: its environment variable when set to a positive integer, else the default.
export function limit(name: LimitName): number {
  const hit = cache.get(name);
  if (hit !== undefined) return hit;
  const spec = LIMITS[name];
  const raw = process.env[spec.env];
  const n = raw === undefined ? NaN : Number(raw);
  const v = Number.isInteger(n) && n > 0 ? n : spec.default;
  cache.set(name, v);
  return v;
}

// Forgets the values read from the environment (tests change the environment).
export function resetLimits(): void {
  cache.clear();
}

// "raise it with TSPLAY_MAX_YAML_DEPTH=N" — the hint of a limit's diagnostic.
export function limitHint(name: LimitName): string {
  return `the limit is ${limit(name)} ${LIMITS[name].unit}; raise it with ${LIMITS[name].env}=N if this input is intended`;
}

// An error raised when input exceeds a limit; the message names the limit and how to raise it.
export class LimitError extends Error {
  constructor(
    readonly limitName: LimitName,
    message: string,
  ) {
    super(`${message} (${limitHint(limitName)})`);
    this.name = 'LimitError';
  }
}

// True for the RangeError V8 throws when the stack is exhausted.
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

// True for V8's errors on strings or arrays beyond its own maximum size.
export function isTooLarge(e: unknown): boolean {
  return e instanceof RangeError && /Invalid (string|array|typed array) length|Array buffer allocation failed/i.test(e.message);
}
