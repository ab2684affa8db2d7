// Cordon with ownership: tsplay marks the nodes it cordons with an annotation, and uncordon only
// releases nodes carrying it (unless forced), so a node an operator cordoned stays cordoned.
import type { KubeClient } from '../../engine/kube/index.js';
import { KubeApiError } from '../../engine/kube/index.js';
import type { DiffEntry, ModuleResult, Probe } from '../../engine/module.js';
import type { Obj } from './kube-objects.js';

// The annotation naming the run that cordoned a node.
export const CORDONED_BY = 'tsplay.dev/cordoned-by';
// When tsplay cordoned it (RFC 3339).
export const CORDONED_AT = 'tsplay.dev/cordoned-at';

// Who cordoned a node: tsplay (with the run id), someone else, or nobody.
export function cordonOwner(node: Obj): { cordoned: boolean; by?: string } {
  const cordoned = node['spec']?.unschedulable === true;
  const by = node['metadata']?.annotations?.[CORDONED_BY] as string | undefined;
  return by !== undefined ? { cordoned, by } : { cordoned };
}

// Reads a node; a missing node is a readable failure.
export async function readNode(client: KubeClient, name: string): Promise<Obj | string> {
  return (await client.find('nodes', name)) ?? `node ${name} not found`;
}

function state(node: Obj): string {
  const o = cordonOwner(node);
  if (!o.cordoned) return 'schedulable\n';
  return o.by !== undefined ? `cordoned (${CORDONED_BY}: ${o.by})\n` : 'cordoned (not by tsplay)\n';
}

function diffOf(name: string, before: string, after: string): DiffEntry[] {
  return [{ before_header: `node/${name}`, after_header: `node/${name}`, before, after }];
}

// Cordons the node (annotating it) unless it is already cordoned; retries a few times on a 409 conflict.
// Returns whether tsplay cordoned it now.
export async function ensureCordoned(client: KubeClient, name: string, runId: string): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    const node = await client.get('nodes', name);
    if (cordonOwner(node).cordoned) return false;
    const patch = { metadata: { resourceVersion: node['metadata']?.resourceVersion, annotations: { [CORDONED_BY]: runId, [CORDONED_AT]: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') } }, spec: { unschedulable: true } };
    try {
      await client.patch('nodes', name, patch);
      return true;
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 409) || attempt >= 4) throw e;
    }
  }
}

// The node as a cordon by `runId` would have left it (for --check's later steps).
export function asCordoned(node: Obj, runId: string): Obj {
  return { ...node, metadata: { ...node['metadata'], annotations: { ...(node['metadata']?.annotations ?? {}), [CORDONED_BY]: runId } }, spec: { ...node['spec'], unschedulable: true } };
}

// The cordon decision (apply with ensureCordoned): changed unless the node is already unschedulable (whoever cordoned it).
export function cordonProbe(node: Obj, runId: string): Probe {
  const name = String(node['metadata']?.name);
  const o = cordonOwner(node);
  if (o.cordoned) {
    return { changed: false, result: { changed: false, node: name, ...(o.by !== undefined ? { cordoned_by: o.by } : {}), msg: `node ${name} already cordoned${o.by === undefined ? ' (not by tsplay; it stays the operator\'s)' : ''}` } };
  }
  const result: ModuleResult = { changed: true, node: name, cordoned_by: runId, msg: `node ${name} cordoned` };
  return { changed: true, result, diff: diffOf(name, state(node), `cordoned (${CORDONED_BY}: ${runId})\n`) };
}

// The uncordon decision (apply with releaseCordon): only nodes tsplay cordoned, unless force.
export function uncordonProbe(node: Obj, force: boolean): Probe {
  const name = String(node['metadata']?.name);
  const o = cordonOwner(node);
  if (!o.cordoned && o.by === undefined) return { changed: false, result: { changed: false, node: name, msg: `node ${name} already uncordoned` } };
  if (o.cordoned && o.by === undefined && !force) {
    return { changed: false, result: { changed: false, node: name, cordoned_by_other: true, msg: `node ${name} was cordoned by someone else; not uncordoning (force: true to override)` } };
  }
  const result: ModuleResult = { changed: true, node: name, ...(o.by !== undefined ? { cordoned_by: o.by } : {}), msg: o.cordoned ? `node ${name} uncordoned` : `node ${name} was already schedulable; removed the stale ${CORDONED_BY} annotation` };
  return { changed: true, result, diff: diffOf(name, state(node), 'schedulable\n') };
}

// Uncordons (re-checking ownership on a fresh read) and removes tsplay's annotations.
export async function releaseCordon(client: KubeClient, name: string, force: boolean): Promise<ModuleResult> {
  const p = uncordonProbe(await client.get('nodes', name), force);
  if (!p.changed) return p.result ?? { changed: false };
  await client.patch('nodes', name, { metadata: { annotations: { [CORDONED_BY]: null, [CORDONED_AT]: null } }, spec: { unschedulable: null } });
  return p.result ?? { changed: true };
}
