// What the executor remembers about each host during a run.
import type { Block, Task, Vars } from '../load/model.js';

/** a failure travelling up the block tree until a rescue handles it (or the play ends) */
export interface PendingFailure {
  /** the block whose rescue section will handle it; undefined = fails the host */
  handledBy?: Block;
  task: Task;
  result: Vars;
}

export class HostState {
  /** failed in this run: gets no more tasks and is left out of later plays */
  failed = false;
  unreachable = false;
  /** ended by meta end_host / end_play for the current play */
  ended = false;
  /** failure currently propagating through blocks */
  failure: PendingFailure | undefined;
  /** meta clear_host_errors ran for this host in an always section: its failure is not restored */
  errorsCleared = false;
  /** handlers notified and not yet run in this play */
  notified = new Set<Task>();
  /** gathered facts (ansible_facts) */
  facts: Vars = {};
  /** set_fact and registered variables: persist across plays */
  hostVars: Vars = {};
  /** include_vars results */
  includeVars: Vars = {};
  /** variables only visible inside a rescue/always (ansible_failed_task/result) */
  rescueVars: Vars = {};

  constructor(readonly name: string) {}

  // True while the host takes part in the play (not failed, unreachable or ended).
  get live(): boolean {
    return !this.failed && !this.unreachable && !this.ended;
  }

  // True when the host takes the next regular task (live and no failure in flight).
  get active(): boolean {
    return this.live && this.failure === undefined;
  }

  // Resets per-play state at the start of a play.
  startPlay(): void {
    this.ended = false;
    this.failure = undefined;
    this.notified.clear();
    this.rescueVars = {};
  }
}
