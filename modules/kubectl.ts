// kubectl: cordon, uncordon, drain, unstick, wait, get, delete, rollout_restart, lease_holder and read-only checks through
// the Kubernetes API, from the controller. Why engine/kube and not a kubectl binary on the node:
// no kubectl or `microk8s kubectl` is needed on the node, nothing depends on the node being drained
// staying healthy (microk8s kubectl talks to that node's own apiserver), results are structured for
// `register`, and the API is the source of truth. @kubernetes/client-node was not used because of
// its dependency weight. The probe only GETs; every change happens in apply (so --check is safe).
import type { KubeClient } from '../engine/kube/index.js';
import { defineModule, type ApplyContext, type ArgsOf, type ModuleResult, type Probe, type ProbeContext } from '../engine/module.js';
import { parseDuration } from '../engine/shared/duration.js';
import { deleteProbe, getProbe, leaseProbe, removeObjects, restartProbe, restartWorkloads, type Selection } from './lib/kube-actions.js';
import { kubeErrorText, withKube } from './lib/kube-connect.js';
import { asCordoned, cordonOwner, cordonProbe, ensureCordoned, readNode, releaseCordon, uncordonProbe } from './lib/kube-cordon.js';
import { drainProbe, runDrain, type DrainSpec } from './lib/kube-drain-action.js';
import { runUnstick, unstickProbe } from './lib/kube-drain-unstick.js';
import { schedulingProbe } from './lib/kube-scheduling.js';
import { customGetProbe } from './lib/kube-custom.js';
import { knownKinds, resourceOf } from './lib/kube-objects.js';
import { describeWait, observe, parseFor, waitFor, type WaitSpec } from './lib/kube-wait.js';
import { kubectlSchema } from './lib/kube-schema.js';
import { deprecatedApisProbe, versionProbe } from './lib/kube-cluster-info.js';
import { endpointsProbe, ingressProbe } from './lib/kube-validate.js';

// The kubectl arguments (see lib/kube-schema.ts).
export const schema = kubectlSchema;
// The arguments as the module receives them (defaults applied by the engine).
export type KubectlArgs = ArgsOf<typeof schema>;

// A task's duration argument in milliseconds, or an error text.
function ms(v: string | number | undefined, dflt: string, what: string): number | string {
  const s = parseDuration(v ?? dflt);
  return s === undefined ? `${what} must be a duration like 30s, 5m or 500ms, not ${JSON.stringify(v)}` : Math.round(s * 1000);
}

function fail(msg: string): Probe {
  return { changed: false, failed: msg };
}

// Runs an apply step with a fresh client; API and transport errors become a failed result.
function applyWith(args: KubectlArgs, base: ModuleResult, fn: (c: KubeClient, actx: ApplyContext) => Promise<ModuleResult>) {
  return async (actx: ApplyContext): Promise<ModuleResult> => {
    try {
      return await withKube(actx, args, (c) => fn(c, actx));
    } catch (e) {
      return { ...base, changed: true, failed: true, msg: kubeErrorText(e) };
    }
  };
}

function selection(a: KubectlArgs, dfltKind?: string): Selection | string {
  const kind = a.kind ?? dfltKind;
  if (!kind) return `kind is required for action ${a.action}`;
  const resource = resourceOf(kind);
  if (!resource) return `unknown kind ${JSON.stringify(kind)} (known: ${knownKinds()})`;
  return { resource, name: a.name ?? (resource === 'nodes' ? a.node : undefined), namespace: a.namespace, allNamespaces: a.all_namespaces, selector: a.selector, fieldSelector: a.field_selector };
}

// The drain settings from the arguments, or an error text.
function drainSpec(a: KubectlArgs, node: string, runId: string): DrainSpec | string {
  const timeoutMs = ms(a.timeout, '300s', 'timeout');
  const retryDelayMs = ms(a.retry_delay, '5s', 'retry_delay');
  if (typeof timeoutMs === 'string') return timeoutMs;
  if (typeof retryDelayMs === 'string') return retryDelayMs;
  return {
    node, timeoutMs, retryDelayMs: Math.max(10, retryDelayMs), gracePeriod: a.grace_period, runId, forceStuckAfter: a.force_stuck_after,
    flags: { ignoreDaemonsets: a.ignore_daemonsets, deleteEmptydirData: a.delete_emptydir_data, force: a.force, disableEviction: a.disable_eviction, podSelector: a.pod_selector, skipWaitForDeleteTimeout: a.skip_wait_for_delete_timeout },
  };
}

// cordon, uncordon, drain: the node must exist; the run id marks what tsplay cordons.
async function probeNode(ctx: ProbeContext, a: KubectlArgs): Promise<Probe> {
  const runId = String(ctx.hostVar('tsplay_run_id') ?? 'tsplay');
  const nodeName = a.node ?? a.name;
  if (!nodeName) return fail(`node is required for action ${a.action}`);
  const spec = a.action === 'drain' ? drainSpec(a, nodeName, runId) : undefined;
  if (typeof spec === 'string') return fail(spec);
  const node = await withKube(ctx, a, (c) => readNode(c, nodeName));
  if (typeof node === 'string') return fail(node);
  const seen = `node/${nodeName}/cordoned-by`;
  if (a.action === 'cordon') {
    const p = cordonProbe(node, runId);
    // --check: later steps of this run see the node as this cordon would have left it
    if (ctx.checkMode && p.changed) ctx.checkState?.set(seen, runId);
    const already = { changed: false, node: nodeName, msg: `node ${nodeName} already cordoned` };
    return { ...p, apply: applyWith(a, { node: nodeName }, async (c) => ((await ensureCordoned(c, nodeName, runId)) ? { ...p.result, changed: true } : already)) };
  }
  if (a.action === 'uncordon' || !spec) {
    const wouldBe = ctx.checkMode && !cordonOwner(node).cordoned && ctx.checkState?.has(seen);
    const p = uncordonProbe(wouldBe ? asCordoned(node, String(ctx.checkState?.get(seen))) : node, a.force);
    return { ...p, apply: applyWith(a, { node: nodeName }, (c) => releaseCordon(c, nodeName, a.force)) };
  }
  const p = await withKube(ctx, a, (c) => drainProbe(c, node, spec, ctx.checkMode));
  return { ...p, apply: applyWith(a, { node: nodeName }, (c, actx) => runDrain(c, spec, actx.signal, actx.progress)) };
}

// wait: one look in the probe; only an unmet condition reaches apply (check mode reports "would wait").
async function probeWait(ctx: ProbeContext, a: KubectlArgs): Promise<Probe> {
  const sel = selection(a, a.node ? 'node' : undefined);
  if (typeof sel === 'string') return fail(sel);
  if (!sel.name && !sel.selector) return fail('wait needs a name (or node) or a selector');
  const f = parseFor(a.for ?? 'condition=Ready');
  const timeoutMs = ms(a.timeout, '30s', 'timeout');
  const intervalMs = ms(a.retry_delay, '1s', 'retry_delay');
  if (typeof f === 'object' && 'error' in f) return fail(f.error);
  if (typeof timeoutMs === 'string' || typeof intervalMs === 'string') return fail(String(typeof timeoutMs === 'string' ? timeoutMs : intervalMs));
  const spec: WaitSpec = { resource: sel.resource, name: sel.name, namespace: sel.namespace, selector: sel.selector, for: f, timeoutMs, intervalMs: Math.max(10, intervalMs) };
  const now = await withKube(ctx, a, (c) => observe(c, spec));
  // --check: a node an earlier step would have rebooted is not Ready yet in a real run
  const rebooting = ctx.checkMode && sel.resource === 'nodes' && sel.name !== undefined && ctx.checkState?.has(`node/${sel.name}/rebooted`) === true;
  if (rebooting) {
    const msg = `would wait up to ${timeoutMs / 1000}s for ${describeWait(spec)} after its reboot`;
    return { changed: false, result: { changed: false, resources: now.objects, msg, _tsplay_report: { summary: msg } } };
  }
  if (now.met) return { changed: false, result: { changed: false, resources: now.objects, elapsed: 0, msg: `${describeWait(spec)}: met` } };
  const waitMsg = `would wait up to ${timeoutMs / 1000}s for ${describeWait(spec)}; not met now: ${now.why}`;
  const checkResult = { changed: false, resources: now.objects, msg: waitMsg, _tsplay_report: { summary: waitMsg } };
  return { changed: true, checkResult, apply: applyWith(a, {}, (c, actx) => waitFor(c, spec, actx.signal, actx.progress)) };
}

// unstick: what a drain cannot clear on the node (deadlocked PDBs, pods stuck Terminating).
async function probeUnstick(ctx: ProbeContext, a: KubectlArgs): Promise<Probe> {
  const nodeName = a.node ?? a.name;
  if (!nodeName) return fail('node is required for action unstick');
  const { probe, plan } = await withKube(ctx, a, (c) => unstickProbe(c, nodeName, a.stuck_after));
  return probe.changed ? { ...probe, apply: applyWith(a, { node: nodeName }, (c) => runUnstick(c, nodeName, plan)) } : probe;
}

// get, delete, rollout_restart, lease_holder.
async function probeObjects(ctx: ProbeContext, a: KubectlArgs): Promise<Probe> {
  if (a.action === 'check_endpoints') return withKube(ctx, a, (c) => endpointsProbe(c, a.namespace));
  if (a.action === 'scheduling') return withKube(ctx, a, (c) => schedulingProbe(c, a.stuck_after, a.node));
  if (a.action === 'get' && a.api_version && a.kind && !resourceOf(a.kind)) {
    const [apiVersion, kind] = [a.api_version, a.kind];
    return withKube(ctx, a, (c) => customGetProbe(c, apiVersion, kind, { namespace: a.all_namespaces ? undefined : a.namespace, name: a.name, selector: a.selector }));
  }
  if (a.action === 'version') return withKube(ctx, a, versionProbe);
  if (a.action === 'deprecated_apis') return withKube(ctx, a, deprecatedApisProbe);
  if (a.action === 'ingress_backends') return withKube(ctx, a, (c) => ingressProbe(c, { namespace: a.namespace ?? 'ingress', service: a.service ?? 'ingress-nginx-controller', port: a.port ?? 10246 }));
  if (a.action === 'lease_holder') {
    if (!a.name) return fail('name (the Lease, e.g. kube-controller-manager) is required for lease_holder');
    const name = a.name;
    return withKube(ctx, a, (c) => leaseProbe(c, name, a.namespace ?? 'kube-system'));
  }
  const sel = selection(a, a.action === 'rollout_restart' ? 'deployment' : undefined);
  if (typeof sel === 'string') return fail(sel);
  if (a.action === 'get') return withKube(ctx, a, (c) => getProbe(c, sel));
  if (a.action === 'delete') {
    const { probe, targets } = await withKube(ctx, a, (c) => deleteProbe(c, sel));
    return probe.changed ? { ...probe, apply: applyWith(a, {}, (c) => removeObjects(c, sel.resource, targets, a.grace_period)) } : probe;
  }
  const { probe, targets } = await withKube(ctx, a, (c) => restartProbe(c, sel));
  return probe.changed ? { ...probe, apply: applyWith(a, {}, (c) => restartWorkloads(c, sel.resource, targets)) } : probe;
}

export default defineModule({
  name: 'kubectl',
  summary: 'Cordon, drain (eviction API, PDB-aware), wait, get, delete, rollout restart and lease holders through the Kubernetes API, from the controller',
  schema,
  freeForm: 'kv',
  checkMode: 'reports what would be cordoned, evicted, deleted or restarted; a drain sends each eviction as a dry run (dryRun=All) and fails where the API server refuses one (a PodDisruptionBudget); waits report "would wait"; nothing is changed',
  example: '- kubectl:\n    action: drain\n    node: "{{ inventory_hostname }}"\n    ignore_daemonsets: true\n    delete_emptydir_data: true\n    timeout: 10m\n  delegate_to: localhost',
  disruptive(args) {
    const node = args.node ?? args.name;
    return (args.action === 'drain' || args.action === 'cordon') && node ? { kind: args.action, what: `${args.action} of node ${node}`, datastore: false, apiNode: node } : undefined;
  },
  apiCluster: (args) => ({ ...(args.kubeconfig ? { kubeconfig: args.kubeconfig } : {}), ...(args.context ? { context: args.context } : {}) }),
  async probe(ctx, args) {
    try {
      if (args.action === 'cordon' || args.action === 'uncordon' || args.action === 'drain') return await probeNode(ctx, args);
      if (args.action === 'unstick') return await probeUnstick(ctx, args);
      if (args.action === 'wait') return await probeWait(ctx, args);
      return await probeObjects(ctx, args);
    } catch (e) {
      return fail(kubeErrorText(e));
    }
  },
});
