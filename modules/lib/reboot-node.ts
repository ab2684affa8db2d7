// The reboot module's Kubernetes side (`node`): what the Node looked like just before the reboot, and
// the wait until it is back — Ready, with its kubelet's kube-node-lease Lease renewed since (a renewal
// is a write, so the API takes writes again). Clusters without node Leases fall back to the Ready
// condition changing. API errors while the control plane comes back are retried until the deadline.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ApplyContext } from '../../engine/module.js';
import { kubeErrorText, withKube, type KubeSettings } from './kube-connect.js';
import { conditionOf, type Obj } from './kube-objects.js';

// The Node and its Lease as last seen before the reboot.
export interface NodeMark {
  renew?: string | undefined;
  ready?: string | undefined;
}

function renewOf(lease: Obj | undefined): string | undefined {
  const v = lease?.['spec']?.renewTime;
  return typeof v === 'string' ? v : undefined;
}

function readyStamp(node: Obj | undefined): string | undefined {
  const c = node ? conditionOf(node, 'Ready') : undefined;
  return c ? `${String(c['status'])}@${String(c['lastTransitionTime'] ?? '')}/${String(c['lastHeartbeatTime'] ?? '')}` : undefined;
}

// Reads the Node's Lease and Ready condition (best effort: an unreachable API marks nothing).
export async function nodeMark(ctx: ApplyContext, s: KubeSettings, node: string): Promise<NodeMark> {
  try {
    return await withKube(ctx, s, async (c) => ({
      renew: renewOf(await c.find('leases', node, { namespace: 'kube-node-lease' })),
      ready: readyStamp(await c.find('nodes', node)),
    }));
  } catch (e) {
    kubeErrorText(e);
    return {};
  }
}

// Whether `renew` is a renewal after `than` (both RFC 3339 times from the API server's clock).
function renewedAfter(renew: string | undefined, than: string): boolean {
  return renew !== undefined && renew !== than && Date.parse(renew) > Date.parse(than);
}

// Polls (every second) until the Node is Ready with a heartbeat newer than the mark, or the deadline.
// The kubelet may renew its Lease once more between the mark and the shutdown, so a renewal counts
// only when it is newer than the first one read after the host came back: a write the API took
// after the boot, whatever the clocks of the controller and the API server say.
export async function waitNodeBack(ctx: ApplyContext, s: KubeSettings, node: string, mark: NodeMark, deadline: number): Promise<{ ok: boolean; why: string; lease: boolean }> {
  let why = 'not checked yet';
  let base: string | undefined;
  for (;;) {
    try {
      const seen = await withKube(ctx, s, async (c) => ({ node: await c.find('nodes', node), lease: await c.find('leases', node, { namespace: 'kube-node-lease' }) }));
      const ready = seen.node ? conditionOf(seen.node, 'Ready') : undefined;
      const renew = renewOf(seen.lease);
      base ??= renew ?? mark.renew;
      const fresh = mark.renew !== undefined ? renewedAfter(renew, mark.renew) && base !== undefined && renewedAfter(renew, base) : readyStamp(seen.node) !== mark.ready;
      if (!seen.node) why = `node ${node} not found`;
      else if (ready?.['status'] !== 'True') why = `Ready is ${String(ready?.['status'] ?? 'unknown')}${ready?.['reason'] ? ` (${String(ready['reason'])})` : ''}`;
      else if (!fresh) why = mark.renew !== undefined ? `its kubelet has not renewed Lease kube-node-lease/${node} since the reboot (last ${renew ?? 'never'})` : 'its Ready condition has not changed since the reboot';
      else return { ok: true, why: '', lease: mark.renew !== undefined };
    } catch (e) {
      why = `the API server: ${kubeErrorText(e)}`;
    }
    ctx.progress(`waiting for node ${node}: ${why}`, { kind: 'reboot', phase: 'node-ready' });
    if (Date.now() + 1000 > deadline) return { ok: false, why, lease: mark.renew !== undefined };
    await sleep(1000, undefined, { signal: ctx.signal });
  }
}
