// The disruption budget: one node and one datastore member at a time across batches and plays,
// nodes cordoned or NotReady for other reasons count, a blocker from the running batch is told
// apart (waiting cannot clear it), and the health gate's release ends a disruption.
import { describe, expect, it } from 'vitest';
import { DisruptionBudget, healthyHeld, type LiveState } from '../../engine/cluster/budget.js';
import type { ClusterNode } from '../../engine/cluster/identity.js';

const node = (name: string, o: Partial<ClusterNode> = {}): ClusterNode => ({ name, addresses: [], controlPlane: true, ready: true, cordoned: false, problems: [], ...o });
const live = (nodes: ClusterNode[], unhealthy: [string, string][] = []): LiveState => ({ nodes, members: nodes.map((n) => n.name), unhealthy: new Map(unhealthy) });
const healthy = live([node('k8s01'), node('k8s02'), node('k8s03')]);

describe('DisruptionBudget', () => {
  it('admits one member, refuses a second one of the same batch as unwaitable', () => {
    const b = new DisruptionBudget({ maxMembers: 1, maxNodes: 1 });
    expect(b.admit('k8s01', true, '1/1', healthy)).toEqual({ ok: true });
    b.hold({ node: 'k8s01', batch: '1/1', what: 'restart of k8s-dqlite', member: true, since: 0 });
    const second = b.admit('k8s03', true, '1/1', healthy);
    expect(second).toMatchObject({ ok: false, blockedByCurrentBatch: true });
    expect(second.ok === false && second.reason).toMatch(/k8s01 \(restart of k8s-dqlite by this run \(batch 1\/1\)\)/);
  });

  it('keeps a disruption held across batches and plays until the gate releases it', () => {
    const b = new DisruptionBudget({ maxMembers: 1, maxNodes: 1 });
    b.hold({ node: 'k8s02', batch: '1/1', what: 'restart', member: true, since: 0 });
    expect(b.admit('k8s03', true, '2/1', healthy)).toMatchObject({ ok: false, blockedByCurrentBatch: false });
    expect(b.admit('k8s02', true, '2/1', healthy)).toEqual({ ok: true });
    b.release(healthyHeld(b.holds(), healthy).healthy);
    expect(b.admit('k8s03', true, '2/1', healthy)).toEqual({ ok: true });
  });

  it('counts a node cordoned or NotReady for another reason', () => {
    const b = new DisruptionBudget({ maxMembers: 1, maxNodes: 1 });
    const r = b.admit('k8s02', false, '1/1', live([node('k8s01', { cordoned: true }), node('k8s02'), node('k8s03')]));
    expect(r.ok === false && r.reason).toMatch(/node budget: k8s01 \(cordoned\) already out of service/);
    expect(b.admit('k8s02', false, '1/1', live([node('k8s01', { ready: false }), node('k8s02'), node('k8s03')])).ok).toBe(false);
    expect(b.admit('k8s01', false, '1/1', live([node('k8s01', { cordoned: true }), node('k8s02'), node('k8s03')])).ok).toBe(true);
  });

  it('counts an unhealthy datastore member against the datastore budget', () => {
    const b = new DisruptionBudget({ maxMembers: 1, maxNodes: 3 });
    const r = b.admit('k8s03', true, '1/1', live([node('k8s01'), node('k8s02'), node('k8s03')], [['k8s02', 'k8s-dqlite activating']]));
    expect(r.ok === false && r.reason).toMatch(/datastore budget: member k8s02 \(k8s-dqlite activating\) already down/);
    expect(b.admit('k8s03', false, '1/1', live([node('k8s01'), node('k8s02'), node('k8s03')], [['k8s02', 'x']])).ok).toBe(true);
  });

  it('lets a larger node budget through while the datastore budget still holds', () => {
    const b = new DisruptionBudget({ maxMembers: 1, maxNodes: 2 });
    b.hold({ node: 'k8s01', batch: '1/1', what: 'drain', member: false, since: 0 });
    expect(b.admit('k8s02', true, '1/1', healthy)).toEqual({ ok: true });
    b.hold({ node: 'k8s02', batch: '1/1', what: 'reboot', member: true, since: 0 });
    expect(b.admit('k8s03', false, '1/1', healthy).ok).toBe(false);
  });

  it('the gate releases only nodes that are Ready with a healthy member', () => {
    const held = [{ node: 'k8s01', batch: '1/1', what: 'reboot', member: true, since: 0 }, { node: 'k8s02', batch: '1/1', what: 'reboot', member: true, since: 0 }];
    const r = healthyHeld(held, live([node('k8s01', { ready: false }), node('k8s02'), node('k8s03')], [['k8s02', 'k8s-dqlite inactive']]));
    expect(r).toEqual({ healthy: [], waiting: ['k8s01: NotReady', 'k8s02: k8s-dqlite inactive'] });
  });
});
