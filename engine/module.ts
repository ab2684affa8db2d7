// The contract between the engine and modules. A module declares a JSON schema for its
// arguments and a `probe` that only reads the host and returns what it would change; the
// engine decides whether to apply (never in check mode). Controller-side actions (debug,
// set_fact, assert, ...) implement `action` instead and never touch a host.
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import type { Connection, ExecOptions, ExecResult } from './connection/types.js';
import type { ShellCommand } from './connection/command.js';
import { lineDisruptions, type Disruption } from './cluster/disruption.js';
import { normalizeArgs } from './shared/normalize.js';

export type ModuleResult = Record<string, unknown>;

// A result whose command a deadline stopped (the exec layer's timedOut), marked for the engine's
// `timeout` keyword. A symbol, not a key: the registered result keeps ansible-core's shape (JSON,
// templates and listings see string keys only), and spreads of the result keep the mark.
const TIMED_OUT = Symbol('tsplay.timedOut');
export function markTimedOut<R extends ModuleResult>(result: R): R {
  return Object.assign(result, { [TIMED_OUT]: true });
}
export function isTimedOut(result: ModuleResult): boolean {
  return (result as { [TIMED_OUT]?: boolean })[TIMED_OUT] === true;
}

/** A before/after pair the reporters print as a unified diff (or a summary line). */
export interface DiffEntry {
  before_header?: string;
  after_header?: string;
  before?: string;
  after?: string;
  /** a one-line human summary when before/after text is not meaningful */
  prepared?: string;
}

/** Read-only access to the target host. */
export interface HostReader {
  /** runs a command that must not change the host; resolves for any exit status */
  query(cmd: ShellCommand, opts?: ExecOptions): Promise<ExecResult>;
}

/** Full access to the target host, given to `apply` only. */
export interface HostWriter extends HostReader {
  run(cmd: ShellCommand, opts?: ExecOptions): Promise<ExecResult>;
  put(data: string | Buffer, dest: string, opts?: { mode?: string }): Promise<void>;
}

export interface ModuleEnv {
  /** inventory name of the host the task is for */
  host: string;
  /** inventory name of the host the module actually runs on (differs with delegate_to) */
  target: string;
  checkMode: boolean;
  diffMode: boolean;
  /** directories searched for relative `src` files and templates: role dir first, then playbook dir */
  searchPaths: string[];
  environment: Record<string, string>;
  /** exec options every command of this task must carry (become, environment, timeout) */
  execDefaults: ExecOptions;
  signal: AbortSignal;
  /** progress for live views (drain: pods left, reboot: waiting for boot) */
  progress(msg: string, data?: Record<string, unknown>): void;
  /** host variables (rendered), for modules that need connection or cluster settings */
  hostVar(name: string): unknown;
  /** renders a handlebars template file with the task's variables (template module) */
  renderTemplate?(path: string): Promise<string>;
  /** --check only: what earlier steps of this run would have changed, for later probes to see
   *  (a node a check-mode cordon would have cordoned is one the uncordon would release) */
  checkState?: Map<string, unknown>;
}

export interface ProbeContext extends ModuleEnv {
  host_: HostReader;
}

export interface ApplyContext extends ModuleEnv {
  host_: HostWriter;
  /** the raw connection, for modules that manage it (reboot, wait_for_connection) */
  connection: Connection;
  /** closes and re-opens the connection (reboot) */
  reconnect(opts?: { timeoutMs?: number }): Promise<Connection>;
}

export interface Probe {
  /** true when applying would change the host */
  changed: boolean;
  /** result fields reported whether or not anything is applied */
  result?: ModuleResult;
  diff?: DiffEntry[];
  /** the module has decided the task fails (bad state, missing file) */
  failed?: string;
  /** performs the change; called only when `changed` and not in check mode */
  apply?: (ctx: ApplyContext) => Promise<ModuleResult>;
  /** the result to report in check mode instead of `{changed}` (command/shell use it) */
  checkResult?: ModuleResult;
}

export interface ActionContext {
  host: string;
  checkMode: boolean;
  diffMode: boolean;
  /** raw task args before templating (debug var=, assert that use expressions) */
  rawArgs: Record<string, unknown>;
  evaluate(expr: string): unknown;
  /** a string with {{ }} rendered with the task's variables (undefined names raise) */
  render(text: string): unknown;
  condition(expr: unknown): boolean;
  signal: AbortSignal;
  progress(msg: string, data?: Record<string, unknown>): void;
  searchPaths: string[];
  /** -v count of the run */
  verbosity: number;
  /** jinja2_native is on (ANSIBLE_JINJA2_NATIVE): templated values keep their types */
  jinja2Native: boolean;
  /** a variable of the host as the task sees it (rendered), undefined when it has none */
  hostVar(name: string): unknown;
}

/** How a free-form string argument is parsed. */
export type FreeForm = 'command' | 'kv' | 'raw';

/**
 * A module's argument schema: a JSON schema object (written once, `as const`) whose properties
 * have a `description` for the docs, and may declare `default` (applied by the engine) and
 * `aliases` (other names the engine renames to this one before validation).
 */
export type ModuleSchema = Exclude<JSONSchema, boolean>;

/**
 * The arguments as a module receives them, derived from its schema: aliases are gone (the
 * engine renamed them) and defaulted properties are present (the engine applied the defaults).
 */
export type ArgsOf<S extends ModuleSchema> = FromSchema<S, { keepDefaultedPropertiesOptional: false }>;

export interface ModuleDef<A = Record<string, unknown>> {
  name: string;
  aliases?: string[];
  summary: string;
  /** JSON schema of the arguments (after free-form parsing), with descriptions for the docs */
  schema: Record<string, unknown>;
  freeForm?: FreeForm;
  /** check mode behaviour, for the docs: what --check does with this module */
  checkMode: string;
  /** an example task for `tsplay modules NAME` */
  example?: string;
  /** arguments that must not be templated before the module sees them (assert.that) */
  rawArgs?: string[];
  // Capabilities: where the engine treats an action differently, it asks these, never the name.
  /** runs once per batch on the first host, like Ansible's BYPASS_HOST_LOOP (pause) */
  bypassHostLoop?: boolean;
  /** a language construct listed as a module (schema, docs) but carried out by the engine */
  construct?: Construct;
  /** the module of the implicit "Gathering Facts" task */
  gathersFacts?: boolean;
  /** where `ansible_facts` of its result go: host facts (default), host vars (set_fact), include_vars,
   *  or nowhere (debug, whose result merely shows a variable of that name) */
  factsAs?: 'facts' | 'hostvars' | 'include_vars' | 'none';
  /** successful results may add hosts or groups to the inventory (add_host, group_by) */
  changesInventory?: boolean;
  /** the plain log prints its result without -v (debug; Ansible's _ansible_verbose_always) */
  alwaysShowsResult?: boolean;
  /** the result carries its diff even without --diff (file, an Ansible quirk) */
  alwaysDiff?: boolean;
  /** the shell text the action runs (command, shell, raw, script), for disruption detection */
  shellText?: (args: A) => string | undefined;
  /** the API an action that acts through Kubernetes uses (kubectl's kubeconfig/context arguments) */
  apiCluster?: (args: A) => { kubeconfig?: string; context?: string };
  /**
   * what the action does to a cluster node when it stops, drains or reboots it (safety checks); the
   * engine may pass the task's arguments as written: defineModule resolves aliases and defaults first
   */
  disruptive?: (args: A) => Disruption | undefined;
  probe?: (ctx: ProbeContext, args: A) => Promise<Probe>;
  action?: (ctx: ActionContext, args: A) => Promise<ModuleResult>;
}

/** language constructs that the engine carries out itself */
export type Construct = 'meta' | 'include_tasks' | 'include_role' | 'import_tasks' | 'import_role' | 'include';

/** the modules a run can use, built by the CLI (modules/index.ts) and passed to every stage */
export interface ModuleRegistry {
  /** a module by name, alias or fully qualified name */
  find(name: string): ModuleDef | undefined;
  /** every module's own name, sorted */
  names(): string[];
  all(): readonly ModuleDef[];
  /** the stand-in for a module Ansible has (ansible-core's, a collection's, a library's) but tsplay
   *  does not implement: it loads, and fails the task that runs it */
  unimplemented?(fqcn: string): ModuleDef;
}

/** the prefixes under which Ansible resolves its own modules (and, through its routing, the ones moved to collections) */
const BUILTIN_PREFIXES = ['ansible.builtin.', 'ansible.legacy.'];

// A registry over a list of modules (names and aliases). Every module also answers to
// ansible.builtin.NAME and ansible.legacy.NAME for each of its short names, resolved here once
// rather than listed per module.
export function createRegistry(mods: readonly ModuleDef[], unimplemented?: (fqcn: string) => ModuleDef): ModuleRegistry {
  const byName = new Map<string, ModuleDef>();
  for (const m of mods) {
    byName.set(m.name, m);
    for (const a of m.aliases ?? []) byName.set(a, m);
  }
  const find = (name: string): ModuleDef | undefined => {
    const hit = byName.get(name);
    if (hit) return hit;
    const prefix = BUILTIN_PREFIXES.find((p) => name.startsWith(p));
    const short = prefix === undefined ? undefined : name.slice(prefix.length);
    return short !== undefined && !short.includes('.') ? byName.get(short) : undefined;
  };
  const stand = new Map<string, ModuleDef>();
  return {
    find,
    names: () => mods.map((m) => m.name).sort(),
    all: () => mods,
    ...(unimplemented
      ? {
          unimplemented: (fqcn: string) => {
            let m = stand.get(fqcn);
            if (!m) stand.set(fqcn, (m = unimplemented(fqcn)));
            return m;
          },
        }
      : {}),
  };
}

// Declares a module; the argument type of probe/action/disruptive is inferred from the schema
// (A defaults to ArgsOf<S>; leave it unwritten). disruptive() is wrapped to see canonical names
// and defaults like probe and action do.
export function defineModule<const S extends ModuleSchema, A = ArgsOf<S>>(def: ModuleDef<A> & { schema: S }): ModuleDef<A> {
  return withCanonicalArgs(def as unknown as ModuleDef) as unknown as ModuleDef<A>;
}

function withCanonicalArgs(def: ModuleDef): ModuleDef {
  const { disruptive, shellText, apiCluster, schema } = def;
  return {
    ...def,
    ...(disruptive ? { disruptive: (args: Record<string, unknown>) => disruptive(normalizeArgs(schema, args)) } : {}),
    ...(shellText ? { shellText: (args: Record<string, unknown>) => shellText(normalizeArgs(schema, args)) } : {}),
    ...(apiCluster ? { apiCluster: (args: Record<string, unknown>) => apiCluster(normalizeArgs(schema, args)) } : {}),
  };
}

// Every disruption an action would cause: what its module declares (systemd, reboot, kubectl,
// crictl, apt) and what its shell line (command, shell, raw, script) would do.
export function disruptionsOf(mod: ModuleDef, args: Record<string, unknown>): Disruption[] {
  const out: Disruption[] = [];
  const declared = mod.disruptive?.(args);
  if (declared) out.push(declared);
  const line = mod.shellText?.(args);
  if (line) out.push(...lineDisruptions(line));
  return out;
}
