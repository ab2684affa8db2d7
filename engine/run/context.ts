// The state of one run: options, inventory, hosts, statistics, connections and events.
import { randomBytes } from 'node:crypto';
import type { Inventory } from '../inventory/index.js';
import type { InventoryChange } from './inventory-changes.js';
import type { Playbook, Vars } from '../load/model.js';
import type { LoadOptions } from '../load/context.js';
import { ConnectionPool, type Transport } from '../connection/pool.js';
import { EventBus, type RunEvent } from './events.js';
import { HostState } from './host-state.js';
import { Stats } from './stats.js';
import type { TagFilter } from '../plan/tags.js';
import type { QuorumGroup } from '../plan/quorum.js';
import type { ModuleRegistry } from '../module.js';
import type { SafetyRun } from './safety/index.js';
import type { Journal, TaskCheckpoint, TaskIntent } from './journal.js';
import { Secrets } from './secrets.js';
import type { LockRecord } from './lock.js';

export interface RunOptions {
  /** the modules tasks resolved to (and runtime includes resolve to) */
  modules: ModuleRegistry;
  check: boolean;
  diff: boolean;
  forks: number;
  tags: TagFilter;
  limit?: string;
  extraVars: Vars;
  forceHandlers: boolean;
  verbosity: number;
  /** jinja2_native (ANSIBLE_JINJA2_NATIVE or ansible.cfg): set_fact keeps yes/no strings as strings */
  jinja2Native?: boolean;
  runId?: string;
  /** replaces every transport (tests, the lab) */
  transport?: Transport;
  signal?: AbortSignal;
  /** default remote user / key from the command line */
  user?: string;
  privateKeyFile?: string;
  /** ansible.cfg host_key_checking (host vars and ANSIBLE_HOST_KEY_CHECKING still apply first) */
  hostKeyChecking?: boolean;
  /** -c: the transport for hosts without ansible_connection */
  connection?: string;
  /** -b / --become-user / --become-method: defaults for tasks that do not set them */
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: string;
  connectTimeoutMs?: number;
  /** name of the node tsplay runs on (self-preemption guard) */
  selfNode?: string;
  /** what an earlier, unfinished run already completed (--resume) */
  resume?: ResumePlan;
  /** graceful stop (first Ctrl-C): no new task starts; `signal` aborts commands in flight */
  stop?: AbortSignal;
  /** summary of the execution plan for live views (plays, batches, tasks) */
  planSummary?: { plays: { name: string; hosts: number; batches: number; tasks: number }[] };
  /** asks the operator (--step, confirm:); resolves true for yes */
  confirm?: (question: string, kind: 'step' | 'confirm') => Promise<'yes' | 'no' | 'continue'>;
  step?: boolean;
  /** asks for a value on the terminal (vars_prompt); undefined: no terminal */
  prompt?: (question: string, opts: { private: boolean; default?: string }) => Promise<string | undefined>;
  /** --break-lock: take over an expired or dead run's lock (true), or the live lock of the run named */
  breakLock?: boolean | string;
  /** built-in protections relaxed by --allow-unsafe RULE (datastore-guard, reboot-undrained) */
  allowUnsafe?: string[];
  /** how runtime includes load files (roles path, the modules Ansible knows) */
  load?: Omit<LoadOptions, 'modules' | 'extraVars'>;
  /** a changed task notifying a handler that does not exist: an error (ANSIBLE_ERROR_ON_MISSING_HANDLER, the default) or a warning */
  errorOnMissingHandler?: boolean;
  /** --start-at-task NAME: tasks before the first one with this name (or matching it) are skipped */
  startAtTask?: string;
  /** the run journal: intents before disruptive actions, task checkpoints after each task */
  journal?: Pick<Journal, 'intent' | 'checkpoint' | 'onFailure'>;
  /** a run inside the cluster (tsplay run --in-cluster): its Pod, and how it hands off */
  inCluster?: InClusterHooks;
}

/** what a run inside the cluster adds to the lock and the self-preemption guard */
export interface InClusterHooks {
  /** NAMESPACE/NAME of the runner's Pod (recorded in the run lock) */
  pod?: string;
  /** whether the Pod of a live-looking lock holder has ended (its lock is then taken over) */
  holderGone?(holder: LockRecord): Promise<boolean>;
  /** before the first disruption of the node the runner runs on: checkpoint, create the successor
   * Job, and say so (the run then stops, exit 0); throws when it cannot */
  handoff?(node: string, host: string): Promise<string>;
}

export interface ResumePlan {
  from: string;
  /** the journal of the run being resumed (marked as continued when this run ends) */
  fromPath?: string;
  /** --redo-batch: the unfinished batch runs again from its first task */
  redoBatch?: boolean;
  /** task level: `play/batch/host` → task key → the task's checkpoint (restored instead of run again) */
  tasks?: Map<string, Map<string, TaskCheckpoint>>;
  /** task level: `play/batch/host` → task key → a disruptive action that was in flight when that run stopped */
  inflight?: Map<string, Map<string, TaskIntent>>;
  /** play → batch → hosts of batches that completed */
  completed: Map<number, Map<number, string[]>>;
  /** `play/batch` → hosts that finished a batch that did not complete */
  okHosts: Map<string, Set<string>>;
  /** `play/batch` → host → handlers it was notified of and had not run when that run stopped */
  pendingHandlers?: Map<string, Map<string, string[]>>;
}

// A new run id: UTC timestamp plus a random suffix (sortable, unique enough).
export function newRunId(): string {
  return `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
}

/** why the run stopped early */
export type StopReason = 'batch-failed' | 'any-errors-fatal' | 'max-fail-percentage' | 'interrupted' | 'runtime-error' | 'guard-tripped' | 'halted' | 'handed-off';

/** stops the run before its next task: the run lock was lost, or the journal cannot be written */
export class HaltRun extends Error {}

export class RunContext {
  readonly stats = new Stats();
  readonly hosts = new Map<string, HostState>();
  readonly bus = new EventBus();
  /** values no output may show (-e secrets, passwords): masked in every event */
  readonly secrets = new Secrets();
  readonly pool: ConnectionPool;
  readonly runId: string;
  /** set when a break-play abort (any_errors_fatal / max_fail_percentage) happened */
  breakAbort = false;
  stopped: StopReason | undefined;
  runtimeError: string | undefined;
  /** exit code of a runtime error (1 by default; 4 for a play keyword that cannot be templated) */
  runtimeRc: number | undefined;
  anyFailed = false;
  anyUnreachable = false;
  /** a guard tripped: no further batch starts */
  guardTripped = false;
  /** quorum groups of the inventory (plan-time and run-time limits) */
  quorumGroups: QuorumGroup[] = [];
  /** the add_host / group_by changes made so far (meta: refresh_inventory applies them again) */
  readonly inventoryChanges: InventoryChange[] = [];
  /** the run's identity-based safety (set by runPlaybook) */
  safety!: SafetyRun;
  /** --check: what earlier steps would have changed, for later probes (see ModuleEnv.checkState) */
  readonly checkState = new Map<string, unknown>();
  /** why the run must stop before its next task (lost lock, journal write failure, a hand-off) */
  haltReason: string | undefined;
  /** the run handed off to a successor Job (in-cluster self-deferral): what it said */
  handedOff: string | undefined;
  /** --start-at-task: true until the task is found (tasks before it are skipped, not reported) */
  startAtPending = false;
  /** aborted when the run ends: background (async poll: 0) jobs stop being polled */
  readonly detachJobs = new AbortController();
  /** the run lock once taken: confirmed before each task */
  lock: { confirm(fresh?: boolean, signal?: AbortSignal): Promise<string | undefined> } | undefined;

  constructor(
    readonly playbook: Playbook,
    readonly inventory: Inventory,
    readonly options: RunOptions,
  ) {
    this.pool = new ConnectionPool(options.transport);
    this.runId = options.runId ?? newRunId();
    this.secrets.addNamed(options.extraVars);
  }

  // The state of a host, created on first use.
  host(name: string): HostState {
    let h = this.hosts.get(name);
    if (!h) {
      h = new HostState(name);
      this.hosts.set(name, h);
    }
    return h;
  }

  emit(e: RunEvent): void {
    this.bus.emit(this.secrets.redact(e));
  }

  // A value with the run's secrets masked (for what leaves the run other than by events).
  redact<T>(v: T): T {
    return this.secrets.redact(v);
  }

  // Marks the run to stop before its next task (the first reason wins).
  halt(reason: string): void {
    this.haltReason ??= reason;
  }

  // Throws HaltRun when the run must stop: halted, or the run lock no longer held.
  async checkRun(): Promise<void> {
    if (!this.haltReason && this.lock) {
      const lost = await this.lock.confirm(false, this.options.stop ?? this.options.signal);
      if (lost && !this.aborted) this.halt(lost);
    }
    if (this.haltReason) throw new HaltRun(this.haltReason);
  }

  get aborted(): boolean {
    return this.options.signal?.aborted === true || this.options.stop?.aborted === true;
  }
}
