// The kinds `tsplay cluster install` writes and the in-cluster runner uses, as the simulated API
// serves them: stored and served like the others, malformed ones refused with 422 naming the field;
// a Job runs one pod from its template, placed by node affinity (required and preferred), replaced
// when it fails, the Job complete when it succeeds.
import { describe, expect, it } from 'vitest';
import { KubeStore, makeNode, startKubeApi, type KubeObject } from '../../../lab/kube/index.js';
import { cronProblem } from '../../../lab/kube/validate.js';

const template = (extra: Record<string, unknown> = {}) => ({ spec: { restartPolicy: 'Never', containers: [{ name: 'tsplay', image: 'tsplay:1' }], ...extra } });

function fails(f: () => unknown): { code?: number; message?: string } {
  try {
    f();
  } catch (e) {
    return { code: (e as { code?: number }).code ?? (e as { status?: { code?: number } }).status?.code, message: (e as Error).message };
  }
  return {};
}

describe('the in-cluster kinds', () => {
  it('stores and serves ServiceAccounts, Secrets, RBAC objects, Jobs and CronJobs over HTTP', async () => {
    const api = await startKubeApi({ token: 't' });
    try {
      const post = (path: string, body: unknown) => fetch(`${api.url}${path}`, { method: 'POST', headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const ok = [
        ['/api/v1/namespaces', { metadata: { name: 'tsplay' } }],
        ['/api/v1/namespaces/tsplay/serviceaccounts', { metadata: { name: 'tsplay' } }],
        ['/api/v1/namespaces/tsplay/secrets', { metadata: { name: 'ssh' }, stringData: { 'ssh-privatekey': 'KEY' } }],
        ['/apis/rbac.authorization.k8s.io/v1/clusterroles', { metadata: { name: 'tsplay' }, rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }, { nonResourceURLs: ['/metrics'], verbs: ['get'] }] }],
        ['/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', { metadata: { name: 'tsplay' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'tsplay' }, subjects: [{ kind: 'ServiceAccount', name: 'tsplay', namespace: 'tsplay' }] }],
        ['/apis/rbac.authorization.k8s.io/v1/namespaces/tsplay/roles', { metadata: { name: 'tsplay' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] }],
        ['/apis/rbac.authorization.k8s.io/v1/namespaces/tsplay/rolebindings', { metadata: { name: 'tsplay' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'tsplay' }, subjects: [{ kind: 'ServiceAccount', name: 'tsplay' }] }],
        ['/apis/batch/v1/namespaces/tsplay/cronjobs', { metadata: { name: 'tsplay' }, spec: { schedule: '0 3 * * *', concurrencyPolicy: 'Forbid', jobTemplate: { spec: { template: template() } } } }],
      ] as const;
      for (const [path, body] of ok) {
        const r = await post(path, body);
        expect(r.status, `${path}: ${await r.clone().text()}`).toBe(201);
      }
      expect(api.store.get('secrets', 'ssh', 'tsplay')?.['data']).toEqual({ 'ssh-privatekey': Buffer.from('KEY').toString('base64') });
      const list = await fetch(`${api.url}/apis/batch/v1/namespaces/tsplay/cronjobs`, { headers: { authorization: 'Bearer t' } });
      expect(((await list.json()) as { items: KubeObject[] }).items.map((c) => c.spec.schedule)).toEqual(['0 3 * * *']);
      const bad = await post('/apis/batch/v1/namespaces/tsplay/cronjobs', { metadata: { name: 'bad' }, spec: { schedule: '61 * * * *', jobTemplate: { spec: { template: template() } } } });
      expect(bad.status).toBe(422);
      expect(((await bad.json()) as { message: string }).message).toMatch(/spec\.schedule: Invalid value: "61 \* \* \* \*"/);
    } finally {
      await api.close();
    }
  });

  it('refuses malformed objects with 422 naming the field', () => {
    const s = new KubeStore();
    const cases: [string, KubeObject, RegExp][] = [
      ['configmaps', { metadata: { name: 'c' }, data: { 'a/b': 'x' } }, /data\[a\/b\]/],
      ['configmaps', { metadata: { name: 'c' }, data: { big: 'x'.repeat(1024 * 1024 + 1) } }, /Too long/],
      ['secrets', { metadata: { name: 's' }, data: { k: 'not base64!' } }, /must be base64/],
      ['clusterroles', { metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['nodes'] }] }, /rules\[0\]\.verbs/],
      ['clusterrolebindings', { metadata: { name: 'b' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'x' } }, /roleRef\.kind/],
      ['clusterrolebindings', { metadata: { name: 'b' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'x' }, subjects: [{ kind: 'ServiceAccount', name: 'sa' }] }, /subjects\[0\]\.namespace/],
      ['jobs', { metadata: { name: 'j' }, spec: { template: { spec: { restartPolicy: 'Always', containers: [{ name: 'c', image: 'i' }] } } } }, /restartPolicy/],
      ['jobs', { metadata: { name: 'j' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [] } } } }, /containers: Required/],
      ['cronjobs', { metadata: { name: 'cj' }, spec: { jobTemplate: { spec: { template: template() } } } }, /spec\.schedule: Required/],
    ];
    for (const [res, obj, msg] of cases) {
      const e = fails(() => s.create(res, obj));
      expect(e.message, res).toMatch(msg);
      expect(e.code, res).toBe(422);
    }
    s.create('rolebindings', { metadata: { name: 'rb' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'a' }, subjects: [] });
    const rb = s.get('rolebindings', 'rb') as KubeObject;
    expect(fails(() => s.update('rolebindings', { ...rb, roleRef: { ...rb['roleRef'], name: 'b' } })).message).toMatch(/cannot change roleRef/);
    expect(cronProblem('@daily')).toBeUndefined();
    expect(cronProblem('*/15 2-4 * jan-mar mon,fri')).toBeUndefined();
    expect(cronProblem('0 3 * *')).toMatch(/5 fields/);
    s.close();
  });

  it('runs a Job: one pod placed by its node affinity, replaced when it fails, the Job complete when it succeeds', () => {
    const s = new KubeStore();
    s.add(makeNode('a'), makeNode('b'), makeNode('c'));
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'NotIn', values: ['a'] }] }] },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['c'] }] } }],
      },
    };
    const job = s.create('jobs', { metadata: { name: 'successor', namespace: 'tsplay' }, spec: { backoffLimit: 1, template: template({ affinity }) } });
    expect(job.spec.selector.matchLabels['batch.kubernetes.io/controller-uid']).toBe(job.metadata.uid);
    const pods = () => s.list('pods', { namespace: 'tsplay' });
    expect(pods().map((p) => [p.spec.nodeName, p.status.phase, p.metadata.labels?.['job-name']])).toEqual([['c', 'Running', 'successor']]);
    const first = pods()[0] as KubeObject;
    s.update('pods', { ...first, status: { ...first.status, phase: 'Failed' } }, 'status');
    expect(pods().filter((p) => p.status.phase === 'Running')).toHaveLength(1);
    const second = pods().find((p) => p.status.phase === 'Running') as KubeObject;
    expect(second.metadata.name).not.toBe(first.metadata.name);
    s.update('pods', { ...second, status: { ...second.status, phase: 'Succeeded' } }, 'status');
    const done = s.get('jobs', 'successor', 'tsplay') as KubeObject;
    expect(done.status).toMatchObject({ succeeded: 1, failed: 1, active: 0, conditions: [{ type: 'Complete', status: 'True' }] });
    s.close();
  });

  it("a ServiceAccount's token (the token controller's) does only what its bindings grant: verbs, groups, subresources, resourceNames, non-resource URLs", async () => {
    const api = await startKubeApi({ token: 'admin' });
    try {
      const s = api.store;
      s.add(makeNode('a'));
      s.create('namespaces', { metadata: { name: 'ops' } });
      s.create('serviceaccounts', { metadata: { name: 'bot', namespace: 'ops' } });
      s.create('clusterroles', { metadata: { name: 'bot' }, rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list'] }, { apiGroups: [''], resources: ['pods/eviction'], verbs: ['create'] }, { nonResourceURLs: ['/metrics'], verbs: ['get'] }, { apiGroups: [''], resources: ['services/proxy'], verbs: ['get'] }] });
      s.create('clusterrolebindings', { metadata: { name: 'bot' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'bot' }, subjects: [{ kind: 'ServiceAccount', name: 'bot', namespace: 'ops' }] });
      s.create('roles', { metadata: { name: 'lock', namespace: 'kube-system' }, rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] }, { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['mine'], verbs: ['get'] }] });
      s.create('rolebindings', { metadata: { name: 'lock', namespace: 'kube-system' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'lock' }, subjects: [{ kind: 'ServiceAccount', name: 'bot', namespace: 'ops' }] });
      const secret = s.create('secrets', { metadata: { name: 'bot-token', namespace: 'ops', annotations: { 'kubernetes.io/service-account.name': 'bot' } }, type: 'kubernetes.io/service-account-token' });
      const token = Buffer.from(String(secret['data'].token), 'base64').toString();
      const req = (method: string, path: string, body?: unknown) => fetch(`${api.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) }).then((r) => r.status);
      expect(await req('GET', '/api/v1/nodes')).toBe(200);
      expect(await req('GET', '/api/v1/nodes/a')).toBe(200);
      expect(await req('PATCH', '/api/v1/nodes/a', {})).toBe(403);
      expect(await req('GET', '/api/v1/namespaces/ops/secrets')).toBe(403);
      expect(await req('POST', '/api/v1/namespaces/default/pods/p/eviction', { metadata: { name: 'p' } })).toBe(404);
      expect(await req('DELETE', '/api/v1/namespaces/default/pods/p')).toBe(403);
      expect(await req('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases', { metadata: { name: 'mine' } })).toBe(201);
      expect(await req('GET', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/mine')).toBe(200);
      expect(await req('GET', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/other')).toBe(403);
      expect(await req('GET', '/apis/coordination.k8s.io/v1/namespaces/default/leases/mine')).toBe(403);
      expect(await req('GET', '/version')).toBe(200);
      expect(await req('GET', '/metrics')).not.toBe(403);
      expect(await req('GET', '/openapi/v2')).toBe(403);
      expect(await fetch(`${api.url}/api/v1/nodes`, { headers: { authorization: 'Bearer forged' } }).then((r) => r.status)).toBe(401);
    } finally {
      await api.close();
    }
  });
});
