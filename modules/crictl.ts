// crictl: list pod sandboxes, or drain them before a reboot (stop then remove each one, verify
// that none remain) so containerd keeps no stale sandbox state across the reboot.
import { defineModule, type ArgsOf, type ModuleResult } from '../engine/module.js';
import { parseDuration } from '../engine/shared/duration.js';
import { drainSandboxes, listSandboxes, shortId, type CrictlTarget } from './lib/crictl-sandboxes.js';

// The crictl arguments (validation, `tsplay modules crictl` and the argument type).
export const schema = {
  type: 'object',
  properties: {
    action: { enum: ['drain', 'list'], default: 'list', description: 'list: report the sandbox IDs; drain: stop each sandbox (one crictl stopp per ID), remove each (crictl rmp), then verify none remain' },
    runtime_endpoint: { type: 'string', description: 'CRI socket, e.g. unix:///var/snap/microk8s/common/run/containerd.sock (microk8s) or unix:///run/containerd/containerd.sock (kubeadm); default: /etc/crictl.yaml' },
    timeout: { type: ['string', 'integer'], default: '60s', description: 'per-call deadline passed as crictl --timeout (a duration: 60s, 2m); raise it for pods with long grace periods' },
    namespace: { type: 'string', description: 'only sandboxes whose Kubernetes namespace matches this regular expression (--namespace)' },
    name: { type: 'string', description: 'only sandboxes whose pod name matches this regular expression (--name)' },
    label: { type: ['string', 'array'], items: { type: 'string' }, description: 'only sandboxes with these labels, key=value (--label, repeatable)' },
    executable: { type: 'string', default: 'crictl', description: 'the crictl binary' },
  },
  additionalProperties: false,
} as const;

// The arguments as the module receives them (aliases renamed, defaults applied by the engine).
export type CrictlArgs = ArgsOf<typeof schema>;

function target(a: CrictlArgs): CrictlTarget | string {
  const timeout = parseDuration(a.timeout);
  if (timeout === undefined || timeout <= 0) return `timeout must be a duration like 60s or 2m, not ${JSON.stringify(a.timeout)}`;
  const labels = a.label === undefined ? [] : Array.isArray(a.label) ? a.label.map(String) : [String(a.label)];
  return { executable: a.executable, endpoint: a.runtime_endpoint, timeout: Math.ceil(timeout), namespace: a.namespace, name: a.name, labels };
}

export default defineModule({
  name: 'crictl',
  summary: 'List or drain containerd pod sandboxes (stop and remove each one, then verify none remain)',
  schema,
  freeForm: 'kv',
  checkMode: 'lists the sandboxes that would be stopped and removed; runs no stopp/rmp',
  example: '- crictl:\n    action: drain\n    runtime_endpoint: unix:///var/snap/microk8s/common/run/containerd.sock\n    timeout: 90s',
  disruptive(args) {
    // every sandbox: kubeadm's etcd static pod too, so the datastore guard applies on its members
    return args.action === 'drain' ? { kind: 'sandboxes', what: 'crictl drain (stops every pod sandbox on the node)', datastore: true } : undefined;
  },
  async probe(ctx, args) {
    const t = target(args);
    if (typeof t === 'string') return { changed: false, failed: t };
    let ids: string[];
    try {
      ids = await listSandboxes(ctx.host_, t);
    } catch (e) {
      return { changed: false, failed: e instanceof Error ? e.message : String(e) };
    }
    if (args.action !== 'drain') return { changed: false, result: { changed: false, sandboxes: ids, count: ids.length } };
    if (ids.length === 0) return { changed: false, result: { changed: false, sandboxes: [], stopped: [], removed: [], remaining: [], errors: [], msg: 'no pod sandboxes' } };
    const diff = [{ before_header: 'pod sandboxes', after_header: 'pod sandboxes', before: ids.map((i) => `${i}\n`).join(''), after: '' }];
    return {
      changed: true,
      diff,
      result: { changed: true, sandboxes: ids, msg: `would stop and remove ${ids.length} pod sandbox(es)` },
      apply: async (actx) => {
        const done = await drainSandboxes(actx.host_, t, ids, actx.execDefaults, actx.progress);
        const remaining = await listSandboxes(actx.host_, t).catch((e: unknown) => e instanceof Error ? e : new Error(String(e)));
        if (remaining instanceof Error) return { changed: true, failed: true, sandboxes: ids, stopped: done.stopped, removed: done.removed, errors: done.errors, msg: `cannot verify the drain: ${remaining.message}` };
        const res: ModuleResult = { changed: true, sandboxes: ids, stopped: done.stopped, removed: done.removed, remaining, errors: done.errors };
        if (remaining.length === 0) return { ...res, msg: `stopped ${done.stopped.length} and removed ${done.removed.length} of ${ids.length} pod sandbox(es); none remain` };
        const why = (id: string) => done.errors.filter((e) => e.id === id).map((e) => `${e.step}: ${e.msg}`).join('; ') || (ids.includes(id) ? 'still listed' : 'new sandbox (is the kubelet still running?)');
        return { ...res, failed: true, msg: `${remaining.length} pod sandbox(es) remain after the drain: ${remaining.map((id) => `${shortId(id)} (${why(id)})`).join(', ')}` };
      },
    };
  },
});
