// The run journal, written: every run appends .tsplay/runs/<run>.jsonl (0600 in a 0700 directory)
// — its header, plays, batches, each host's results, the intent before each disruptive action,
// each task's checkpoint for --resume, lock and safety reports, and the run's final state. Every
// record is appended whole and fsync'ed; a write that fails is cut back off, the journal stops, and
// the run is told to halt before its next task. The directory is checked (writable, room) before
// any host is contacted.
import { accessSync, constants, existsSync, closeSync, fchmodSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, statfsSync, writeSync, chmodSync, appendFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RunEvent } from './events.js';
import type { Vars } from '../load/model.js';

/** how a run ended: finished, failed (a host failed or a runtime error), interrupted (Ctrl-C, a
 * lost lock, the journal not writable, or killed: no end record), refused (nothing done: the run
 * lock, validation), check (--check: nothing changed), handed-off (in the cluster: a successor Job
 * on another node continues it) */
export type RunStatus = 'finished' | 'failed' | 'interrupted' | 'refused' | 'check' | 'handed-off';

export interface JournalHeader {
  kind: 'header';
  run: string;
  playbook: string;
  inventory: string[];
  options: Record<string, unknown>;
  started: string;
  check: boolean;
  resumed_from?: string;
  /** --redo-batch: the interrupted batch runs again from its first task */
  redo_batch?: boolean;
  /** the machine and process that ran it (a run without an end record is running only while that process lives) */
  host: string;
  pid: number;
  /** the playbook's sources, hashed: a resume at task level needs the same tasks */
  playbook_sha?: string;
}

export interface RunEndLine {
  kind: 'end';
  status: RunStatus;
  rc: number;
  ended: string;
  reason?: string;
}

/** a host's finished task, with what --resume needs to restore it instead of running it again */
export interface TaskCheckpoint {
  play: number;
  batch: number;
  host: string;
  key: string;
  task: string;
  status: string;
  handler?: boolean;
  /** the result as registered (absent when it may not be kept: no_log, a secret in it, too big) */
  value?: Vars;
  /** the kinds of disruption the task caused (it must never run twice) */
  disruptive?: string[];
  no_log?: boolean;
  /** the run was aborted while the task ran: its outcome is unknown */
  interrupted?: boolean;
  /** restored from an earlier run, not run again */
  restored?: boolean;
}

/** written right before a disruptive action starts (the action does not start if it cannot be) */
export interface TaskIntent {
  play: number;
  batch: number;
  host: string;
  key: string;
  task: string;
  kinds: string[];
  /** the host the action runs on (delegate_to), when not the host itself */
  target?: string;
  /** the target's boot id before a reboot (tells on resume whether it happened), and how it was read */
  boot?: string;
  boot_cmd?: string;
}

/** the journal cannot be written (a full disk, a read-only directory) */
export class JournalError extends Error {}

const MIN_FREE = 1 << 20;

export function runsDir(cwd = process.cwd()): string {
  return join(cwd, '.tsplay', 'runs');
}

// Creates the runs directory (0700) and checks it is writable and has room; throws JournalError.
export function checkJournalDir(dir: string): void {
  try {
    // .tsplay keeps its usual mode (the lab lives there too); the runs directory is private
    if (!existsSync(dirname(dir))) mkdirSync(dirname(dir), { recursive: true });
    if (!existsSync(dir)) mkdirSync(dir, { mode: 0o700 });
    chmodSync(dir, 0o700);
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new JournalError(`cannot use the run journal directory ${dir}: ${(e as Error).message}`);
  }
  let free: number;
  try {
    const s = statfsSync(dir);
    free = s.bavail * s.bsize;
  } catch {
    return;
  }
  if (free < MIN_FREE) throw new JournalError(`no room for the run journal in ${dir}: ${Math.floor(free / 1024)} KiB free (at least ${MIN_FREE / 1024} KiB needed)`);
}

/** where a journal's records go, one whole line at a time, in order: a local file (below) or,
 * in a cluster, ConfigMaps (engine/incluster/journal-configmap.ts) */
export interface JournalSink {
  /** for messages: a path, or configmap/NAMESPACE/NAME */
  readonly where: string;
  /** why writing stopped, once it has */
  readonly failure: string | undefined;
  /** appends one line (written, or queued for flush); false when it cannot be, and writing stops */
  append(line: string): boolean;
  /** resolves once every line appended so far is durable; rejects with the reason when it cannot be */
  flush?(): Promise<void>;
  close(): void | Promise<void>;
}

// The local journal file: created exclusively (0600), every line appended whole and fsync'ed; a
// write that fails is cut back off.
export class FileSink implements JournalSink {
  readonly where: string;
  failure: string | undefined;
  private fd: number | undefined;

  constructor(path: string) {
    this.where = path;
    try {
      this.fd = openSync(path, 'wx', 0o600);
      fchmodSync(this.fd, 0o600);
    } catch (e) {
      throw new JournalError(`cannot create the run journal ${path}: ${(e as Error).message}`);
    }
  }

  append(line: string): boolean {
    if (this.fd === undefined || this.failure) return false;
    const buf = Buffer.from(line);
    const size = fstatSync(this.fd).size;
    try {
      let off = 0;
      while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off, size + off);
      fsyncSync(this.fd);
      return true;
    } catch (e) {
      try {
        ftruncateSync(this.fd, size);
        fsyncSync(this.fd);
      } catch {
        /* the reader tolerates a torn last line */
      }
      this.failure = (e as Error).message;
      return false;
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

export class Journal {
  /** why writing stopped (the first failure) */
  failure: string | undefined;
  /** told once, on the first failed write */
  onFailure: ((msg: string) => void) | undefined;
  private readonly sink: JournalSink;
  private closed = false;
  private unwritten = 0;
  private readonly batches = new Map<string, { play: number; batch: number; hosts: string[]; failed: Set<string> }>();
  private open_: { play: number; batch: number } | undefined;

  // Creates the journal (a file under `where`/.tsplay/runs, exclusive, 0600, or the sink given) and
  // writes its header; throws JournalError.
  constructor(header: Omit<JournalHeader, 'kind' | 'started'>, where: string | JournalSink = process.cwd()) {
    if (typeof where === 'string') {
      const dir = runsDir(where);
      checkJournalDir(dir);
      this.sink = new FileSink(join(dir, `${header.run}.jsonl`));
    } else this.sink = where;
    if (!this.write({ kind: 'header', ...header, started: new Date().toISOString() })) throw new JournalError(`cannot write the run journal ${this.path}: ${this.failure}`);
  }

  // Where the records go (a path, or configmap/NAMESPACE/NAME).
  get path(): string {
    return this.sink.where;
  }

  // Appends one record whole; when that fails the journal stops and the run is told.
  write(rec: object): boolean {
    if (this.closed || this.failure) {
      this.unwritten++;
      return false;
    }
    if (this.sink.append(JSON.stringify(rec) + '\n')) return true;
    this.fail(this.sink.failure ?? 'write failed');
    this.unwritten++;
    return false;
  }

  private fail(why: string): void {
    if (this.failure) return;
    this.failure = why;
    this.onFailure?.(`the run journal ${this.path} cannot be written (${why})`);
  }

  // Everything written so far made durable (a cluster journal's pending writes); throws JournalError.
  async flush(): Promise<void> {
    if (this.failure) throw new JournalError(`the run journal ${this.path} cannot be written: ${this.failure}`);
    try {
      await this.sink.flush?.();
    } catch (e) {
      this.fail((e as Error).message);
      throw new JournalError(`the run journal ${this.path} cannot be written: ${(e as Error).message}`);
    }
  }

  // Before a disruptive action: resolves once the intent is durable; throws JournalError when it cannot be recorded.
  async intent(i: TaskIntent): Promise<void> {
    if (!this.write({ kind: 'intent', ...i })) throw new JournalError(`the run journal cannot record the start of '${i.task}' on ${i.host}: ${this.failure}`);
    await this.flush().catch(() => {
      throw new JournalError(`the run journal cannot record the start of '${i.task}' on ${i.host}: ${this.failure}`);
    });
  }

  // A host's finished task (its checkpoint for --resume).
  checkpoint(c: TaskCheckpoint): void {
    this.write({ kind: 'task', ...c });
  }

  // Records the events that matter for `tsplay runs` and --resume.
  readonly listener = (e: RunEvent): void => {
    switch (e.type) {
      case 'play':
        this.closeBatch();
        this.write({ kind: 'play', play: e.play, name: e.name, hosts: e.hosts });
        return;
      case 'batch':
        this.closeBatch();
        this.batches.set(`${e.play}/${e.batch}`, { play: e.play, batch: e.batch, hosts: e.hosts, failed: new Set() });
        this.open_ = { play: e.play, batch: e.batch };
        this.write({ kind: 'batch', play: e.play, batch: e.batch, hosts: e.hosts });
        return;
      case 'result':
        this.write({ kind: 'result', play: e.play, batch: e.batch, host: e.host, task: e.task, status: e.status, ...(e.handler ? { handler: true } : {}), ...(e.error ? { error: e.error } : {}) });
        if (e.status === 'failed' || e.status === 'unreachable') this.batches.get(`${e.play}/${e.batch}`)?.failed.add(e.host);
        return;
      case 'notify':
        this.write({ kind: 'notify', play: e.play, batch: e.batch, host: e.host, handlers: e.handlers });
        return;
      case 'resume_skip':
        this.closeBatch();
        this.write({ kind: 'batch', play: e.play, batch: e.batch, hosts: e.hosts, skipped: true });
        this.write({ kind: 'batch_end', play: e.play, batch: e.batch, ok: e.hosts, failed: [], complete: true });
        return;
      case 'no_hosts_remaining':
        this.write({ kind: 'stop', play: e.play, batch: e.batch, reason: e.reason });
        return;
      case 'lock':
        this.write({ kind: 'lock', status: e.status, where: e.where, ...(e.msg ? { msg: e.msg } : {}) });
        return;
      case 'safety':
        if (e.check === 'self-preemption' && e.status === 'info') this.write({ kind: 'handoff', ...(e.host ? { host: e.host } : {}), ...(e.node ? { node: e.node } : {}), msg: e.msg });
        if (e.status === 'refused' || e.check === 'allow-unsafe') this.write({ kind: 'safety', check: e.check, status: e.status, ...(e.host ? { host: e.host } : {}), ...(e.node ? { node: e.node } : {}), msg: e.msg });
        return;
      case 'error':
      case 'warning':
        this.write({ kind: e.type, msg: e.msg });
        return;
      case 'recap':
        this.write({ kind: 'recap', stats: e.stats });
        return;
      default:
        return;
    }
  };

  private closeBatch(complete = true): void {
    if (!this.open_) return;
    const b = this.batches.get(`${this.open_.play}/${this.open_.batch}`);
    this.open_ = undefined;
    if (!b) return;
    const failed = [...b.failed];
    const ok = complete ? b.hosts.filter((h) => !b.failed.has(h)) : [];
    this.write({ kind: 'batch_end', play: b.play, batch: b.batch, ok, failed: complete ? failed : b.hosts, complete: complete && failed.length === 0, at: new Date().toISOString() });
  }

  // The run's final state; returns false when it could not be written.
  // (A cluster journal's records may still be in flight: await settle() before the process ends.)
  close(rc: number, status: RunStatus, reason?: string): boolean {
    this.closeBatch(status === 'finished' || status === 'check');
    const ok = this.write({ kind: 'end', status, rc, ended: new Date().toISOString(), ...(reason ? { reason } : {}) } satisfies RunEndLine);
    this.closed = true;
    if (!this.sink.flush) void this.sink.close();
    return ok && this.unwritten === 0;
  }

  // Waits until every record is durable and the sink closed; false when some could not be written.
  async settle(): Promise<boolean> {
    if (this.sink.flush) {
      await this.flush().catch(() => undefined);
      await this.sink.close();
    }
    return !this.failure && this.unwritten === 0;
  }

  // How many records could not be written.
  get missing(): number {
    return this.unwritten;
  }
}

// Marks a run as continued by another (the resumed run closes its parent): best effort.
export function markResumed(parentPath: string, by: string, status: RunStatus): void {
  try {
    appendFileSync(parentPath, JSON.stringify({ kind: 'resumed_by', run: by, status, at: new Date().toISOString() }) + '\n');
  } catch {
    /* listRuns derives the chain from the child's header as well */
  }
}
