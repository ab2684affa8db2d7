// Self-deferral: instead of draining the node it runs on, an in-cluster runner creates its
// successor — a Job like its own (read from the API: its Pod's owning Job, else the Pod itself),
// told which run to continue (TSPLAY_RESUME_RUN), with a required node anti-affinity to this node,
// a preference for the nodes the run already finished (so the successor need not move again) and
// the runner Pod's own tolerations — then stops, exit 0. The Job's name is fixed by the run and
// the node, so a hand-off tried twice creates one Job.
import { createHash } from 'node:crypto';
import { KubeApiError, type KubeClient } from '../kube/index.js';

type Obj = Record<string, any>;

export const HOSTNAME_LABEL = 'kubernetes.io/hostname';
export const RESUME_ENV = 'TSPLAY_RESUME_RUN';
const JOB_LABELS = ['controller-uid', 'job-name', 'batch.kubernetes.io/controller-uid', 'batch.kubernetes.io/job-name'];

/** what the hand-off needs to know */
export interface HandoffRequest {
  namespace: string;
  /** the runner's Pod */
  pod: string;
  run: string;
  /** the node the runner is on, which the next batch disrupts */
  node: string;
  /** nodes the run already finished with (preferred for the successor) */
  doneNodes: string[];
}

// The successor Job's name: short, DNS-safe, the same for the same run and node.
export function successorName(run: string, node: string): string {
  const base = `tsplay-${run.toLowerCase()}-off-${node.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.replace(/-+$/, '');
  if (base.length <= 52) return base;
  return `${base.slice(0, 44).replace(/-+$/, '')}-${createHash('sha256').update(base).digest('hex').slice(0, 7)}`;
}

// The pod template of the successor: the runner's, kept off `node`, with the runner's tolerations.
export function successorTemplate(template: Obj, runnerPod: Obj, r: HandoffRequest): Obj {
  const t = JSON.parse(JSON.stringify(template)) as Obj;
  t.metadata ??= {};
  const labels: Record<string, string> = { ...(t.metadata.labels ?? {}) };
  for (const l of JOB_LABELS) delete labels[l];
  t.metadata.labels = { ...labels, 'tsplay.dev/run': r.run, 'tsplay.dev/handoff-from': r.node };
  const spec = (t.spec ??= {});
  delete spec.nodeName;
  if (spec.nodeSelector?.[HOSTNAME_LABEL] === r.node) delete spec.nodeSelector[HOSTNAME_LABEL];
  const away = { key: HOSTNAME_LABEL, operator: 'NotIn', values: [r.node] };
  const na = ((spec.affinity ??= {}).nodeAffinity ??= {});
  const req = (na.requiredDuringSchedulingIgnoredDuringExecution ??= {});
  const terms: Obj[] = req.nodeSelectorTerms?.length ? req.nodeSelectorTerms : [{}];
  // terms are ORed: every one of them must keep the successor off this node
  req.nodeSelectorTerms = terms.map((term) => ({ ...term, matchExpressions: [...(term.matchExpressions ?? []).filter((e: Obj) => !(e.key === HOSTNAME_LABEL && e.operator === 'NotIn')), away] }));
  const done = r.doneNodes.filter((n) => n !== r.node);
  const prefs: Obj[] = (na.preferredDuringSchedulingIgnoredDuringExecution ?? []).filter((p: Obj) => p?.preference?.matchExpressions?.[0]?.key !== HOSTNAME_LABEL);
  if (done.length > 0) prefs.push({ weight: 100, preference: { matchExpressions: [{ key: HOSTNAME_LABEL, operator: 'In', values: done }] } });
  if (prefs.length > 0) na.preferredDuringSchedulingIgnoredDuringExecution = prefs;
  const tolerations: Obj[] = runnerPod['spec']?.tolerations ?? [];
  if (tolerations.length > 0) spec.tolerations = tolerations;
  spec.containers = (spec.containers ?? []).map((c: Obj, i: number) => (i === 0 ? { ...c, env: [...(c.env ?? []).filter((e: Obj) => e.name !== RESUME_ENV), { name: RESUME_ENV, value: r.run }] } : c));
  return t;
}

// The successor Job for a runner (its Job's settings and template, or its Pod's spec).
export function successorJob(runnerPod: Obj, runnerJob: Obj | undefined, r: HandoffRequest): Obj {
  const template = runnerJob?.['spec']?.template ?? { metadata: { labels: runnerPod['metadata']?.labels ?? {} }, spec: { ...runnerPod['spec'], restartPolicy: runnerPod['spec']?.restartPolicy === 'Always' ? 'Never' : runnerPod['spec']?.restartPolicy } };
  const js: Obj = runnerJob?.['spec'] ?? {};
  const spec: Obj = {
    backoffLimit: js['backoffLimit'] ?? 2,
    ttlSecondsAfterFinished: js['ttlSecondsAfterFinished'] ?? 7 * 86400,
    ...(js['activeDeadlineSeconds'] ? { activeDeadlineSeconds: js['activeDeadlineSeconds'] } : {}),
    template: successorTemplate(template, runnerPod, r),
  };
  const inherited: Record<string, string> = { ...(runnerJob?.['metadata']?.labels ?? {}) };
  for (const l of JOB_LABELS) delete inherited[l];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: successorName(r.run, r.node),
      namespace: r.namespace,
      labels: { ...inherited, 'app.kubernetes.io/name': 'tsplay', 'app.kubernetes.io/component': 'runner', 'tsplay.dev/run': r.run, 'tsplay.dev/handoff-from': r.node },
      annotations: { 'tsplay.dev/handoff': `run ${r.run} handed off before disrupting node ${r.node}, where ${r.pod} ran` },
    },
    spec,
  };
}

// Creates the successor Job; resolves with its name (a Job of that name already there is the same hand-off).
export async function createSuccessor(client: KubeClient, r: HandoffRequest): Promise<string> {
  const pod = await client.get('pods', r.pod, { namespace: r.namespace }).catch((e: Error) => {
    throw new Error(`cannot read the runner's own Pod ${r.namespace}/${r.pod}: ${e.message}`);
  });
  const owner = (pod['metadata']?.ownerReferences ?? []).find((o: Obj) => o.kind === 'Job' && o.controller);
  const job = owner ? await client.find('jobs', owner.name, { namespace: r.namespace }) : undefined;
  const successor = successorJob(pod, job, r);
  const name = successor['metadata'].name as string;
  try {
    await client.create('jobs', successor, { namespace: r.namespace });
  } catch (e) {
    if (!(e instanceof KubeApiError && e.status === 409)) throw e;
    const cur = await client.get('jobs', name, { namespace: r.namespace });
    if (cur['metadata']?.labels?.['tsplay.dev/run'] !== r.run) throw new Error(`a Job ${r.namespace}/${name} exists and is not this run's successor`);
  }
  return name;
}
