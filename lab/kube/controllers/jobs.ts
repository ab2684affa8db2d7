// The Job controller, simplified: a Job gets the apiserver's defaults (its selector, the
// controller-uid and job-name labels of its pod template); while it has neither completed nor
// failed, one pod runs from its template (the scheduler places it, honouring node affinity); a
// Succeeded pod completes the Job, a Failed one is replaced until backoffLimit is passed.
import type { KubeStore } from '../store.js';
import { randomSuffix } from '../names.js';
import { cloneJson, nowTimestamp, type KubeObject } from '../types.js';

const UID = 'batch.kubernetes.io/controller-uid';
const NAME = 'batch.kubernetes.io/job-name';

// The defaults the apiserver fills in on create (the generated selector and the template's labels).
export function defaultJob(job: KubeObject): void {
  const uid = job.metadata.uid ?? '';
  const name = job.metadata.name ?? '';
  const spec = (job.spec ??= {});
  const labels = { [UID]: uid, [NAME]: name, 'controller-uid': uid, 'job-name': name };
  spec.selector ??= { matchLabels: { [UID]: uid } };
  spec.backoffLimit ??= 6;
  spec.completions ??= 1;
  spec.parallelism ??= 1;
  const t = (spec.template ??= {});
  t.metadata = { ...(t.metadata ?? {}), labels: { ...(t.metadata?.labels ?? {}), ...labels } };
}

function finished(job: KubeObject): boolean {
  return ((job.status?.conditions ?? []) as { type?: string; status?: string }[]).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

function condition(type: string, reason: string, message: string): Record<string, unknown> {
  const t = nowTimestamp();
  return { type, status: 'True', reason, message, lastProbeTime: t, lastTransitionTime: t };
}

// Runs, completes and fails Jobs.
export function syncJobs(store: KubeStore): void {
  for (const job of store.items('jobs')) {
    if (finished(job) || job.spec?.suspend === true || job.metadata.deletionTimestamp) continue;
    const uid = job.metadata.uid;
    const pods = store.items('pods').filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === uid));
    const phase = (p: KubeObject) => String(p.status?.phase ?? 'Pending');
    const active = pods.filter((p) => !p.metadata.deletionTimestamp && phase(p) !== 'Succeeded' && phase(p) !== 'Failed').length;
    const succeeded = pods.filter((p) => phase(p) === 'Succeeded').length;
    const failed = pods.filter((p) => phase(p) === 'Failed').length;
    const status: Record<string, unknown> = { ...(job.status ?? {}), active, succeeded, failed, startTime: job.status?.startTime ?? nowTimestamp() };
    if (succeeded >= (job.spec?.completions ?? 1)) {
      Object.assign(status, { active: 0, completionTime: nowTimestamp(), conditions: [condition('Complete', 'Completed', 'Job completed')] });
    } else if (failed > (job.spec?.backoffLimit ?? 6)) {
      Object.assign(status, { conditions: [condition('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit')] });
    } else if (active === 0) {
      const t = cloneJson(job.spec?.template ?? {});
      store.create('pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${job.metadata.name}-${randomSuffix()}`, namespace: job.metadata.namespace, labels: t.metadata?.labels ?? {}, ...(t.metadata?.annotations ? { annotations: t.metadata.annotations } : {}), ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: job.metadata.name ?? '', uid: uid ?? '', controller: true, blockOwnerDeletion: true }] },
        spec: { schedulerName: 'default-scheduler', terminationGracePeriodSeconds: 30, ...(t.spec ?? {}) },
      });
      status['active'] = 1;
    }
    if (JSON.stringify(status) !== JSON.stringify(job.status ?? {})) store.update('jobs', { ...job, status }, 'status');
  }
}
