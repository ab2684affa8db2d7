// A drain in check mode asks the API server what each eviction would do: a POST of the Eviction
// with dryRun=All, decided by the API server exactly like a real one (PodDisruptionBudgets included)
// but changing nothing. A 429 is a pod a real drain would be refused now.
import { KubeApiError, type KubeClient } from '../../engine/kube/index.js';
import { keyOf, type Obj } from './kube-objects.js';

// One pod the API server would refuse to evict now, with its reasons.
export interface DryRunRefusal {
  pod: string;
  message: string;
}

// What the dry-run evictions said.
export interface DryRunOutcome {
  allowed: string[];
  refused: DryRunRefusal[];
  /** pods already gone (404) */
  gone: string[];
  /** other answers (the eviction would fail for another reason) */
  failed: DryRunRefusal[];
  /** the API server does not take dry runs (400 naming dryRun): nothing was asked */
  unsupported?: string;
}

function statusText(body: unknown): string {
  const b = (body ?? {}) as { message?: string; details?: { causes?: { message?: string }[] } };
  const causes = (b.details?.causes ?? []).map((c) => c.message ?? '').filter(Boolean);
  return [b.message ?? '', ...causes.map((c) => `(${c})`)].filter(Boolean).join(' ');
}

// Sends one dry-run eviction per pod (sequentially: a handful of pods per node).
export async function dryRunEvictions(client: KubeClient, pods: Obj[], gracePeriod?: number): Promise<DryRunOutcome> {
  const out: DryRunOutcome = { allowed: [], refused: [], gone: [], failed: [] };
  for (const pod of pods) {
    const ns = String(pod['metadata']?.namespace);
    const name = String(pod['metadata']?.name);
    const eviction = {
      apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: ns },
      deleteOptions: { dryRun: ['All'], ...(gracePeriod !== undefined && gracePeriod >= 0 ? { gracePeriodSeconds: gracePeriod } : {}) },
    };
    const r = await client.request('POST', client.path('pods', name, { namespace: ns, subresource: 'eviction' }), eviction, { query: { dryRun: 'All' } });
    const key = keyOf(pod);
    if (r.status >= 200 && r.status < 300) out.allowed.push(key);
    else if (r.status === 404) out.gone.push(key);
    else if (r.status === 429) out.refused.push({ pod: key, message: statusText(r.body) });
    else if (r.status === 401 || r.status === 403) throw KubeApiError.fromResponse(r.status, r.body, `evict ${key} (dry run)`);
    else if (r.status === 400 && /dry.?run/i.test(statusText(r.body))) return { ...out, unsupported: statusText(r.body) };
    else out.failed.push({ pod: key, message: `HTTP ${r.status}: ${statusText(r.body)}` });
  }
  return out;
}

// The check-mode failure text when the API server would refuse evictions now.
export function refusalText(node: string, o: DryRunOutcome, retryS: number, timeoutS: number, fromStatus = false): string | undefined {
  const lines = [...o.refused.map((x) => `pod ${x.pod}: ${x.message}`), ...o.failed.map((x) => `pod ${x.pod}: eviction would fail: ${x.message}`)];
  if (lines.length === 0) return undefined;
  const source = fromStatus ? 'PodDisruptionBudgets allow no eviction of' : 'the API server refuses';
  return `drain of node ${node} would not finish: ${source} ${lines.length} ${fromStatus ? 'pod(s)' : 'eviction(s)'} now${fromStatus ? '' : ' (dry run)'}: ${lines.join('; ')}. ` +
    `A real run would cordon the node, retry every ${retryS}s for up to ${timeoutS}s and then fail, leaving the node cordoned`;
}
