// The safety of a run, resting on what hosts are: before each disruptive action it resolves the
// node (and datastore member) being disrupted, refuses the node tsplay runs on and reboots of
// undrained nodes, keeps the run within the disruption budget (waiting, bounded, for earlier
// disruptions to heal), applies the built-in datastore guard, and takes the run lock; after each
// batch the health gate waits until what the batch disrupted is healthy again.
import { hostname, networkInterfaces } from 'node:os';
import { healthyHeld } from '../../cluster/budget.js';
import type { Disruption } from '../../cluster/disruption.js';
import type { Vars } from '../../load/model.js';
import { Clusters, type Cluster, type ClusterRef } from './clusters.js';
import { lookDatastore } from './datastore-guard.js';
import { Identities, type ResolveEnv } from './identities.js';
import { liveState, readMembers, type LiveEnv } from './live.js';
import { waitUntil, type Look } from '../../shared/wait.js';

/** the protections only `--allow-unsafe RULE` relaxes */
export const UNSAFE_RULES = ['datastore-guard', 'reboot-undrained'] as const;
export type UnsafeRule = (typeof UNSAFE_RULES)[number];

/** one safety report for the event stream */
export interface SafetyNote {
  check: 'identity' | 'budget' | 'health-gate' | 'datastore-guard' | 'reboot-undrained' | 'self-preemption' | 'run-lock';
  status: 'ok' | 'waiting' | 'refused';
  host?: string;
  node?: string;
  msg: string;
  remaining_s?: number;
}

export interface SafetyEnv extends Omit<ResolveEnv, 'clusters'> {
  run(host: string, cmd: string, root?: boolean): Promise<{ rc: number; stdout: string; stderr: string }>;
  nodeRoot(host: string): string;
  allowUnsafe: ReadonlySet<string>;
  /** TSPLAY_NODE_NAME, or the hostname */
  selfName?: string;
  note(n: SafetyNote): void;
  /** takes the run lock for a cluster (once) before its first disruption */
  ensureLock(cluster: Cluster): Promise<void>;
  /** in the cluster: hand the run off to a successor Job instead of disrupting this node (says how) */
  handoff?(node: string, host: string): Promise<string>;
}

/** one disruptive action about to run */
export interface AdmitRequest {
  host: string;
  /** the host the action runs on (delegate_to) */
  target: string;
  /** the target is the machine tsplay runs on (local connection) */
  localTarget: boolean;
  disruption: Disruption;
  /** the cluster an API action (kubectl) goes to */
  apiRef?: ClusterRef;
  /** "play/batch" of the running batch */
  batch: string;
  checkMode: boolean;
  signal: AbortSignal;
  /** seconds: wait for budget room, wait for the datastore guard, the contention window */
  budgetWaitS: number;
  guardWaitS: number;
  windowS: number;
}

export class SafetyRun {
  readonly clusters = new Clusters();
  readonly identities: Identities;
  private readonly drained = new Set<string>();
  private readonly live: LiveEnv;

  constructor(private readonly env: SafetyEnv) {
    this.identities = new Identities({ ...env, clusters: this.clusters });
    this.live = { identities: this.identities, run: env.run, nodeRoot: env.nodeRoot };
  }

  // How live reads reach the cluster (for the plan's preview).
  liveEnv(): LiveEnv {
    return this.live;
  }

  // Resolves hosts up front (the plan and the early refusals use it); problems surface at admission.
  async resolveAll(hosts: string[]): Promise<void> {
    await Promise.all(hosts.map((h) => this.identities.resolve(h).catch(() => undefined)));
  }

  // Checks a disruptive action; returns the refusal (msg, refused) or undefined when it may run.
  // Admissions run one at a time, so two hosts of one batch cannot both pass the budget.
  admit(req: AdmitRequest): Promise<Vars | undefined> {
    const next = this.queue.then(() => this.admitNow(req));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private queue: Promise<unknown> = Promise.resolve();

  private async admitNow(req: AdmitRequest): Promise<Vars | undefined> {
    const d = req.disruption;
    const where = await this.locate(req);
    if ('refusal' in where) return this.refuse(where.check, req, where.refusal);
    if (!where.cluster) {
      // the machine tsplay runs on: never reboot it or stop its kubelet (it may be a node we cannot identify)
      if (req.localTarget && (d.kind === 'reboot' || d.kind === 'upgrade' || d.kind === 'remove' || (d.kind === 'service' && !d.datastore && /kubelet|kubelite/.test(d.what)))) return this.refuse('self-preemption', req, `self-preemption guard: refusing ${d.what} on '${req.target}': it is the node tsplay runs on (${this.env.selfName ?? hostname()}); run tsplay from another machine`);
      return undefined;
    }
    const { cluster: c, node } = where;
    if (await this.isSelf(c, node) && this.env.handoff && !req.checkMode) {
      // self-deferral: the successor, placed on another node, continues from this point
      try {
        return { msg: await this.env.handoff(node, req.host), deferred: true, halted: true };
      } catch (e) {
        return this.refuse('self-preemption', req, `self-preemption guard: refusing ${d.what} on node '${node}': it is the node tsplay runs on, and handing the run off to a successor failed: ${(e as Error).message}`, node);
      }
    }
    if (await this.isSelf(c, node)) return this.refuse('self-preemption', req, `self-preemption guard: refusing ${d.what} on node '${node}': it is the node tsplay runs on (${this.env.selfName ?? hostname()}); nothing was changed on it. Run tsplay from another machine`, node);
    if (d.kind === 'reboot' && !this.drained.has(`${c.key}/${node}`) && !this.env.allowUnsafe.has('reboot-undrained')) {
      return this.refuse('reboot-undrained', req, `reboot-undrained: refusing ${d.what} of node '${node}': this run has not drained it (cordon and drain it first, as seed 002's procedure does; --allow-unsafe reboot-undrained overrides)`, node);
    }
    if (!req.checkMode) {
      try {
        await this.env.ensureLock(c);
      } catch (e) {
        return this.refuse('run-lock', req, `refusing ${d.what} of node '${node}': ${(e as Error).message}`, node);
      }
    }
    const members = await readMembers(c, this.live);
    const member = d.datastore && members.includes(node);
    const budget = await this.waitBudget(req, c, node, member);
    if (budget) return this.refuse('budget', req, budget, node);
    if (member && !this.env.allowUnsafe.has('datastore-guard')) {
      const look = () => lookDatastore(c, node, req.windowS, this.live);
      const r = req.checkMode ? await look() : await waitUntil(look, { timeoutS: req.guardWaitS, signal: req.signal, onWait: (why, left) => this.env.note({ check: 'datastore-guard', status: 'waiting', host: req.host, node, msg: why, remaining_s: left }) });
      if (!r.ok) return this.refuse('datastore-guard', req, `datastore guard: refusing ${d.what} of ${c.datastore ?? 'datastore'} member '${node}': ${r.why}`, node, { guard: { condition: 'datastore-guard', evidence: r.why } });
    }
    c.budget.hold({ node, batch: req.batch, what: d.what, member, since: Date.now() });
    return undefined;
  }

  // Records what an admitted action did (a successful drain makes a later reboot allowed).
  async record(req: AdmitRequest, result: Vars): Promise<void> {
    if (req.disruption.kind !== 'drain' || result['failed'] === true) return;
    const where = await this.locate(req);
    if (!('refusal' in where) && where.cluster) this.drained.add(`${where.cluster.key}/${where.node}`);
  }

  // The health gate after a batch: every node this run disrupted Ready with a healthy member.
  async gate(batch: string, o: { timeoutS: number; signal: AbortSignal; checkMode: boolean }): Promise<string | undefined> {
    for (const c of this.clusters.all()) {
      const held = c.budget.holds();
      if (held.length === 0) continue;
      if (o.checkMode) {
        c.budget.release(held.map((h) => h.node));
        continue;
      }
      const t0 = Date.now();
      const look = async (): Promise<Look> => {
        const r = healthyHeld(c.budget.holds(), await liveState(c, this.live));
        c.budget.release(r.healthy);
        return r.waiting.length === 0 ? { ok: true } : { ok: false, why: r.waiting.join('; ') };
      };
      const r = await waitUntil(look, { timeoutS: o.timeoutS, signal: o.signal, onWait: (why, left) => this.env.note({ check: 'health-gate', status: 'waiting', msg: `after batch ${batch}: ${why}`, remaining_s: left }) }).catch((e: Error) => ({ ok: false as const, why: e.message }));
      if (!r.ok) return `health gate: after batch ${batch} of cluster ${c.name}, not healthy after ${o.timeoutS}s: ${r.why}`;
      this.env.note({ check: 'health-gate', status: 'ok', msg: `after batch ${batch}: ${held.map((h) => h.node).join(', ')} healthy again (${((Date.now() - t0) / 1000).toFixed(1)} s)` });
    }
    return undefined;
  }

  private async locate(req: AdmitRequest): Promise<{ cluster?: Cluster; node: string } | { refusal: string; check: SafetyNote['check'] }> {
    const d = req.disruption;
    if (d.apiNode !== undefined) {
      let c: Cluster;
      try {
        c = this.clusters.open(req.apiRef ?? {});
      } catch (e) {
        return { check: 'identity', refusal: `cannot check ${d.what}: the cluster's API cannot be reached (failing closed): ${(e as Error).message}` };
      }
      const nodes = await this.identities.clusterNodes(c).catch(() => undefined);
      if (!nodes) return { check: 'identity', refusal: `cannot check ${d.what}: listing the nodes of ${c.name} failed (failing closed)` };
      return nodes.some((n) => n.name === d.apiNode) ? { cluster: c, node: d.apiNode } : { node: d.apiNode };
    }
    const id = await this.identities.resolve(req.target);
    if (id.unknownMember) return { check: 'identity', refusal: `refusing ${d.what}: ${id.unknownMember} (failing closed)` };
    return id.cluster && id.node ? { cluster: id.cluster, node: id.node } : { node: req.target };
  }

  private async waitBudget(req: AdmitRequest, c: Cluster, node: string, member: boolean): Promise<string | undefined> {
    let blockedNow = false;
    const look = async (): Promise<Look> => {
      const live = await liveState(c, this.live);
      const earlier = c.budget.holds().filter((h) => h.batch !== req.batch);
      c.budget.release(healthyHeld(earlier, live).healthy);
      const a = c.budget.admit(node, member, req.batch, live);
      if (a.ok) return a;
      blockedNow = a.blockedByCurrentBatch;
      return { ok: false, why: a.reason };
    };
    const first = await look().catch((e: Error) => ({ ok: false as const, why: `cannot read the state of cluster ${c.name} (failing closed): ${e.message}` }));
    if (first.ok) return undefined;
    if (blockedNow || req.checkMode) return `refusing ${req.disruption.what} of node '${node}': ${first.why}${blockedNow ? ' in this same batch (add serial: 1)' : ''}`;
    const r = await waitUntil(() => look().catch((e: Error) => ({ ok: false as const, why: e.message })), { timeoutS: req.budgetWaitS, signal: req.signal, onWait: (why, left) => this.env.note({ check: 'budget', status: 'waiting', host: req.host, node, msg: why, remaining_s: left }) });
    return r.ok ? undefined : `refusing ${req.disruption.what} of node '${node}' after waiting ${req.budgetWaitS}s: ${r.why}`;
  }

  private async isSelf(c: Cluster, node: string): Promise<boolean> {
    const self = this.env.selfName ?? hostname();
    const short = (s: string) => s.toLowerCase().split('.')[0];
    if (short(node) === short(self)) return true;
    if (this.env.selfName) return false;
    const nodes = await this.identities.clusterNodes(c).catch(() => []);
    const mine = new Set(Object.values(networkInterfaces()).flatMap((l) => (l ?? []).filter((a) => !a.internal).map((a) => a.address)));
    return nodes.some((n) => n.name === node && n.addresses.some((a) => mine.has(a)));
  }

  private refuse(check: SafetyNote['check'], req: AdmitRequest, msg: string, node?: string, extra: Vars = {}): Vars {
    this.env.note({ check, status: 'refused', host: req.host, ...(node ? { node } : {}), msg });
    return { msg, refused: check, ...extra };
  }
}
