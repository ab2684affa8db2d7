// The in-cluster pieces on their own: the successor Job built from a runner's Job and Pod, the
// journal's ConfigMap sink (chunks, a retried write that landed, a write refused) read back as runs,
// and when a chain counts as stalled.
import { describe, expect, it } from 'vitest';
import { successorJob, successorName } from '../../engine/incluster/handoff.js';
import { ConfigMapSink, listClusterRuns, pruneClusterRuns } from '../../engine/incluster/journal-configmap.js';
import { lastProgress, doneHosts } from '../../engine/incluster/runner.js';
import { KubeClient, loadKubeconfig } from '../../engine/kube/index.js';
import { Journal } from '../../engine/run/journal.js';
import { parseJournal } from '../../engine/run/journal-read.js';
import { startKubeApi } from '../../lab/kube/index.js';

describe('the successor Job', () => {
  const pod = { metadata: { name: 'tsplay-29-abc', labels: { 'job-name': 'tsplay-29', 'controller-uid': 'u1', app: 'tsplay' } }, spec: { nodeName: 'n2', tolerations: [{ key: 'maint', operator: 'Exists' }, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }] } };
  const job = {
    metadata: { name: 'tsplay-29', labels: { app: 'tsplay', 'controller-uid': 'u1' } },
    spec: {
      backoffLimit: 3, ttlSecondsAfterFinished: 600, selector: { matchLabels: { 'controller-uid': 'u1' } },
      template: {
        metadata: { labels: { app: 'tsplay', 'controller-uid': 'u1', 'job-name': 'tsplay-29' } },
        spec: {
          nodeSelector: { 'kubernetes.io/hostname': 'n2', disk: 'ssd' },
          affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }] } } },
          restartPolicy: 'Never',
          containers: [{ name: 'tsplay', image: 'tsplay:1', env: [{ name: 'TSPLAY_RESUME_RUN', value: 'old' }, { name: 'X', value: '1' }] }],
        },
      },
    },
  };

  it('keeps every node selector term off the node, prefers done nodes, copies tolerations, names the run, drops the old Job labels', () => {
    const s = successorJob(pod, job, { namespace: 'tsplay', pod: pod.metadata.name, run: '20260101T000000-abcdef', node: 'n2', doneNodes: ['n1', 'n2'] });
    const t = s['spec'].template;
    expect(s['metadata'].name).toBe('tsplay-20260101t000000-abcdef-off-n2');
    expect(s['spec']).toMatchObject({ backoffLimit: 3, ttlSecondsAfterFinished: 600 });
    expect(s['spec'].selector).toBeUndefined();
    expect(t.metadata.labels).toEqual({ app: 'tsplay', 'tsplay.dev/run': '20260101T000000-abcdef', 'tsplay.dev/handoff-from': 'n2' });
    expect(t.spec.nodeSelector).toEqual({ disk: 'ssd' });
    const away = { key: 'kubernetes.io/hostname', operator: 'NotIn', values: ['n2'] };
    expect(t.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }, away] },
      { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }, away] },
    ]);
    expect(t.spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution).toEqual([{ weight: 100, preference: { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] }] } }]);
    expect(t.spec.tolerations).toEqual(pod.spec.tolerations);
    expect(t.spec.containers[0].env).toEqual([{ name: 'X', value: '1' }, { name: 'TSPLAY_RESUME_RUN', value: '20260101T000000-abcdef' }]);
    // the runner's Job is left as it was
    expect(job.spec.template.spec.nodeSelector['kubernetes.io/hostname']).toBe('n2');
  });

  it('has a DNS-safe name of at most 52 characters, the same for the same run and node', () => {
    const long = successorName('20260101T000000-abcdef', 'a-very-long-node-name.with.dots.example.internal');
    expect(long.length).toBeLessThanOrEqual(52);
    expect(long).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(successorName('20260101T000000-abcdef', 'a-very-long-node-name.with.dots.example.internal')).toBe(long);
  });
});

describe('the journal in ConfigMaps', () => {
  it('writes whole records in order, starts a new chunk past 256 KiB, and reads back as the run', async () => {
    const api = await startKubeApi({ token: 't' });
    api.store.create('namespaces', { metadata: { name: 'tsplay' } });
    try {
      const client = new KubeClient(loadKubeconfig({ text: api.kubeconfig() }));
      const sink = new ConfigMapSink(client, 'tsplay', '20260101T000000-aaaaaa');
      const j = new Journal({ run: '20260101T000000-aaaaaa', playbook: '/p.yml', inventory: ['/i.yml'], options: {}, check: false, host: 'pod-1', pid: 1 }, sink);
      expect(j.path).toBe('configmap/tsplay/tsplay-run-20260101t000000-aaaaaa-0');
      j.listener({ type: 'play', play: 1, name: 'p', hosts: ['n1'] });
      j.listener({ type: 'batch', play: 1, batch: 1, hosts: ['n1'] });
      for (let i = 0; i < 40; i++) j.checkpoint({ play: 1, batch: 1, host: 'n1', key: `k#${i}`, task: 't', status: 'ok', value: { stdout: 'x'.repeat(10_000) } });
      await j.intent({ play: 1, batch: 1, host: 'n1', key: 'r#0', task: 'reboot', kinds: ['reboot'], boot: 'b1' });
      j.close(0, 'finished');
      expect(await j.settle()).toBe(true);
      const chunks = api.store.list('configmaps', { namespace: 'tsplay', labelSelector: 'tsplay.dev/run=20260101T000000-aaaaaa' });
      expect(chunks.length).toBeGreaterThan(1);
      for (const c of chunks) expect(String(c['data'].journal).length).toBeLessThanOrEqual(256 * 1024);
      const [run] = await listClusterRuns(client, 'tsplay');
      expect(run?.status).toBe('finished');
      expect(run?.tasks.get('1/1/n1')?.size).toBe(40);
      expect(run?.batches[0]).toMatchObject({ complete: true, ok: ['n1'] });
      // kept while younger than the retention, or part of the chain being continued
      expect(await pruneClusterRuns(client, 'tsplay', [run!], 30, new Set())).toEqual([]);
      expect(await pruneClusterRuns(client, 'tsplay', [{ ...run!, end: { ...run!.end!, ended: '2020-01-01T00:00:00Z' } }], 30, new Set([run!.header.run]))).toEqual([]);
      expect(await pruneClusterRuns(client, 'tsplay', [{ ...run!, end: { ...run!.end!, ended: '2020-01-01T00:00:00Z' } }], 30, new Set())).toEqual([run!.header.run]);
      expect(api.store.list('configmaps', { namespace: 'tsplay' })).toEqual([]);
      client.close();
    } finally {
      await api.close();
    }
  });

  it('a journal ConfigMap changed by someone else stops the journal (the run is told), and an intent is refused', async () => {
    const api = await startKubeApi({ token: 't' });
    api.store.create('namespaces', { metadata: { name: 'tsplay' } });
    try {
      const client = new KubeClient(loadKubeconfig({ text: api.kubeconfig() }), { retry: false });
      const sink = new ConfigMapSink(client, 'tsplay', '20260101T000000-bbbbbb');
      const j = new Journal({ run: '20260101T000000-bbbbbb', playbook: '/p.yml', inventory: [], options: {}, check: false, host: 'pod-1', pid: 1 }, sink);
      let told = '';
      j.onFailure = (m) => (told = m);
      await j.flush();
      const cm = api.store.get('configmaps', 'tsplay-run-20260101t000000-bbbbbb-0', 'tsplay');
      api.store.update('configmaps', { ...cm, data: { journal: 'tampered\n' } } as never);
      j.write({ kind: 'warning', msg: 'x' });
      await expect(j.intent({ play: 1, batch: 1, host: 'n1', key: 'k', task: 'reboot', kinds: ['reboot'] })).rejects.toThrow(/cannot record the start of 'reboot'/);
      expect(told).toMatch(/changed by someone else/);
      client.close();
    } finally {
      await api.close();
    }
  });
});

describe('a stalled chain', () => {
  const text = (run: string, started: string, from?: string, ends: string[] = []) => [
    { kind: 'header', run, playbook: '/p.yml', inventory: [], options: {}, started, check: false, host: 'h', pid: 1, ...(from ? { resumed_from: from } : {}) },
    ...ends.map((at, i) => ({ kind: 'batch', play: 1, batch: i + 1, hosts: [`n${i + 1}`] })),
    ...ends.map((at, i) => ({ kind: 'batch_end', play: 1, batch: i + 1, ok: [`n${i + 1}`], failed: [], complete: true, at })),
  ].map((l) => JSON.stringify(l)).join('\n');

  it('made its last progress when its newest batch finished, across the runs it chains', () => {
    const a = parseJournal(text('A', '2026-01-01T01:00:00Z', undefined, ['2026-01-01T01:10:00Z']), 'a', { alive: () => false });
    const b = parseJournal(text('B', '2026-01-02T01:00:00Z', 'A'), 'b', { alive: () => false });
    expect(new Date(lastProgress(b, [a, b])).toISOString()).toBe('2026-01-01T01:10:00.000Z');
    expect(doneHosts(b, [a, b])).toEqual(['n1']);
    const c = parseJournal(text('C', '2026-01-03T01:00:00Z'), 'c', { alive: () => false });
    expect(new Date(lastProgress(c, [c])).toISOString()).toBe('2026-01-03T01:00:00.000Z');
  });
});
