// tsplay run --in-cluster on the rehearsal lab, as runner Pods would run it: `tsplay cluster
// install` done, the lab API reached with the installed ServiceAccount's token (its RBAC enforced),
// the CA and KUBERNETES_SERVICE_HOST/PORT; the Nodes from the tsplay.cluster plugin; the journal in ConfigMaps;
// a runner placed on k8s02 hands off before k8s02's batch (a successor Job kept off k8s02), and the
// successor, started as a second process, finishes the run; a runner killed mid-batch is resumed by
// the next Pod of its Job; a local receiver gets the Pushgateway and webhook payloads, secret-free.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabStatus } from '../../lab/status.js';
import { successorName } from '../../engine/incluster/handoff.js';
import { inClusterTarget, KubeClient } from '../../engine/kube/index.js';
import { assertBuilt } from '../e2e/cli.js';
import { results, type RunEvent } from '../playbooks/lab.js';
import { ClusterLab, NS } from './helpers.js';

const bootIds = (s: LabStatus) => Object.fromEntries(s.nodes.map((n) => [n.name, n.bootId]));
const runOf = (events: RunEvent[]) => String(events.find((e) => e.type === 'start')?.['run']);
// reboots a run did itself (not restored from the run it resumed)
const reboots = (events: RunEvent[]) => results(events, 'reboot').filter((e) => e['resumed'] !== true && e['status'] === 'changed').map((e) => e['host']);

let cl: ClusterLab;
let receiver: Server;
let url = '';
const received: { path: string; body: string }[] = [];

beforeAll(async () => {
  assertBuilt();
  cl = await ClusterLab.up();
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
}, 120_000);
afterAll(async () => {
  receiver?.close();
  await cl?.down();
});

describe('tsplay run --in-cluster', { timeout: 240_000 }, () => {
  it('a runner on k8s02 hands off before k8s02 is touched; its successor, off k8s02, finishes: every node rebooted exactly once', async () => {
    const before = bootIds(await cl.lab.status());
    // the runners hold the installed ServiceAccount's token: the lab's RBAC keeps them to its rules
    const sa = new KubeClient(inClusterTarget(cl.env('x', 'k8s01')), { retry: false });
    await expect(sa.list('secrets', { namespace: NS })).rejects.toMatchObject({ status: 403, message: expect.stringMatching(/User "system:serviceaccount:tsplay:tsplay" cannot list resource "secrets"/) });
    // leases are read (leader Leases, node heartbeats); only the run lock may be written
    expect((await sa.get('leases', 'kube-controller-manager', { namespace: 'kube-system' }))['metadata'].name).toBe('kube-controller-manager');
    await expect(sa.delete('leases', 'kube-controller-manager', { namespace: 'kube-system' })).rejects.toMatchObject({ status: 403 });
    await expect(sa.delete('nodes', 'k8s01')).rejects.toMatchObject({ status: 403 });
    expect((await sa.list('nodes')).items).toHaveLength(3);
    sa.close();
    const pod = await cl.runnerJob('nightly-1', 'k8s02');
    expect(pod['spec'].nodeName).toBe('k8s02');
    const first = await cl.start(pod['metadata'].name, 'k8s02', ['--webhook', `${url}/hooks/T0KEN-IN-PATH`, '--pushgateway', `${url}/pgw`, '-e', 'vault_password=s3cr3t-value']).done;
    expect(first.rc, first.stderr + first.events.filter((e) => e.type === "error" || e["status"] === "failed").map((e) => JSON.stringify(e)).join("\n")).toBe(0);
    const run = runOf(first.events);
    // batch 1 (k8s01) done; k8s02 untouched: not even cordoned
    expect(reboots(first.events)).toEqual(['k8s01']);
    // on k8s02 only reads ran (gates, its boot id, the reboot marker) — nothing changed, no cordon
    const onK8s02 = first.events.filter((e) => e.type === 'result' && e['host'] === 'k8s02');
    expect(onK8s02.map((e) => e['task'])).toContain('the cluster is still healthy before touching this node');
    expect(onK8s02.map((e) => e['task'])).not.toContain('cordon');
    expect(onK8s02.filter((e) => e['status'] !== 'ok' && e['status'] !== 'skipped')).toEqual([]);
    const handoff = first.events.find((e) => e.type === 'safety' && e['check'] === 'self-preemption');
    expect(handoff).toMatchObject({ status: 'info', node: 'k8s02' });
    const mid = await cl.lab.status();
    expect(mid.nodes.find((n) => n.name === 'k8s02')).toMatchObject({ cordoned: false, bootId: before['k8s02'] });

    // the successor: kept off k8s02, preferring k8s01 (done), with the runner's tolerations
    const job = await cl.client.get('jobs', successorName(run, 'k8s02'), { namespace: NS });
    const tpl = job['spec'].template.spec;
    expect(tpl.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'NotIn', values: ['k8s02'] }] }]);
    expect(tpl.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution).toEqual([{ weight: 100, preference: { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['k8s01'] }] } }]);
    expect(tpl.tolerations).toEqual(pod['spec'].tolerations);
    expect(tpl.nodeSelector?.['kubernetes.io/hostname']).toBeUndefined();
    expect(tpl.containers[0].env).toContainEqual({ name: 'TSPLAY_RESUME_RUN', value: run });
    // the journal is in the cluster, ended handed-off
    const cms = await cl.client.list('configmaps', { namespace: NS, labelSelector: `tsplay.dev/run=${run}` });
    expect(cms.items.map((c) => String(c['data'].journal)).join('')).toMatch(/"kind":"end","status":"handed-off","rc":0/);

    // the runner's container exited 0; the Job controller placed the successor's Pod
    await cl.podEnded(pod['metadata'].name, 'Succeeded');
    const next = await cl.podOf(job['metadata'].name);
    expect(next['spec'].nodeName).toBe('k8s01');
    const second = await cl.start(next['metadata'].name, next['spec'].nodeName, ['--webhook', `${url}/hooks/T0KEN-IN-PATH`, '--pushgateway', `${url}/pgw`], { TSPLAY_RESUME_RUN: run }).done;
    expect(second.rc, second.stderr).toBe(0);
    expect(second.events.find((e) => e.type === 'start')?.['resumed_from']).toBe(run);
    expect(reboots(second.events)).toEqual(['k8s02', 'k8s03']);
    const after = await cl.lab.status();
    for (const n of after.nodes) {
      expect(n.bootId, n.name).not.toBe(before[n.name]);
      expect(n.cordoned).toBe(false);
    }
    expect(after.incidents).toEqual([]);
    // from a workstation: the chain in the cluster journal
    const runs = await cl.lab.cli(['runs', '-n', NS, '--kubeconfig', '.tsplay/lab/kubeconfig', '--json']);
    const listed = JSON.parse(runs.stdout) as { run: string; status: string; resumed_by: string[] }[];
    expect(listed.find((x) => x.run === run)).toMatchObject({ status: 'handed-off', resumed_by: [runOf(second.events)] });
    expect(listed.find((x) => x.run === runOf(second.events))).toMatchObject({ status: 'finished' });

    // what the receiver got: the hand-off told, the end told, metrics pushed; no secret anywhere
    const hooks = received.filter((r) => r.path.startsWith('/hooks/')).map((r) => (JSON.parse(r.body) as { text: string }).text);
    expect(hooks.some((t) => /handed off to a successor Job/.test(t))).toBe(true);
    expect(hooks.some((t) => new RegExp(`tsplay run ${runOf(second.events)} finished \\(exit 0\\)`).test(t))).toBe(true);
    const pushed = received.filter((r) => r.path.startsWith('/pgw/metrics/job/tsplay/run/'));
    expect(pushed.some((r) => r.path.endsWith(run) && /tsplay_run_status\{[^}]*\} 0/.test(r.body))).toBe(true);
    expect(pushed.some((r) => /tsplay_run_status\{[^}]*\} 1/.test(r.body) && /tsplay_nodes_done\{[^}]*\} [23]/.test(r.body))).toBe(true);
    const token = (await import('node:fs')).readFileSync(`${cl.saDir}/token`, 'utf8');
    for (const r of received) for (const secret of [token, 's3cr3t-value', 'T0KEN-IN-PATH']) expect(r.body).not.toContain(secret);
    expect(first.stdout + first.stderr).not.toContain(token);
  });

  it('a runner killed mid-batch is followed by the next Pod of its Job, which resumes the run (and reports the chain stalled)', async () => {
    const before = bootIds(await cl.lab.status());
    received.length = 0;
    const pod = await cl.runnerJob('nightly-2', 'k8s03');
    const notify = ['--webhook', `${url}/hooks/T0KEN-IN-PATH`, '--pushgateway', `${url}/pgw`];
    const first = cl.start(pod['metadata'].name, 'k8s03', notify);
    let out = '';
    first.child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 60_000;
    while (!/"type":"task","play":2,"batch":2,"name":"reboot"/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    const run = runOf(killed.events);
    await new Promise((r) => setTimeout(r, 1500));
    const mid = await cl.lab.status();
    const k8s02Rebooted = mid.nodes.find((n) => n.name === 'k8s02')?.bootId !== before['k8s02'];
    // the kubelet reports the container killed; the Job runs another Pod (same node: it is pinned there)
    await cl.podEnded(pod['metadata'].name, 'Failed');
    const retry = await cl.podOf('nightly-2');
    expect(retry['metadata'].name).not.toBe(pod['metadata'].name);
    // its lock is still live (10 s) but its Pod is gone (here, on one machine, its process too): the next runner takes over at once
    // (no TSPLAY_NODE_NAME this time: the runner reads its node from its own Pod)
    const second = await cl.start(retry['metadata'].name, '', notify, { TSPLAY_STALL_AFTER: '1s' }).done;
    expect(second.rc, second.stderr).toBe(0);
    expect(second.stderr).toMatch(new RegExp(`resuming run ${run} from the cluster journal`));
    expect(second.stderr).toMatch(new RegExp(`run ${run} is stalled`));
    expect(second.events.some((e) => e.type === 'warning' && /took over the run lock of run .*: its (Pod .*|process) is gone/.test(String(e['msg'])))).toBe(true);
    // k8s03 is its own node: it hands off before k8s03's batch
    expect(second.events.find((e) => e.type === 'safety' && e['check'] === 'self-preemption')).toMatchObject({ node: 'k8s03' });
    await cl.podEnded(retry['metadata'].name, 'Succeeded');
    const successor = await cl.podOf(successorName(runOf(second.events), 'k8s03'));
    expect(successor['spec'].nodeName).not.toBe('k8s03');
    const third = await cl.start(successor['metadata'].name, successor['spec'].nodeName, notify, { TSPLAY_RESUME_RUN: runOf(second.events) }).done;
    expect(third.rc, third.stderr).toBe(0);
    const all = [...reboots(second.events), ...reboots(third.events)];
    expect(all).toEqual(k8s02Rebooted ? ['k8s03'] : ['k8s02', 'k8s03']);
    const after = await cl.lab.status();
    for (const n of after.nodes) {
      expect(n.bootId, n.name).not.toBe(before[n.name]);
      expect(n.cordoned).toBe(false);
    }
    expect(after.nodes.find((n) => n.name === 'k8s01')?.bootId).toBe(mid.nodes.find((n) => n.name === 'k8s01')?.bootId);
    // the stalled chain: tsplay_run_status 4 for the killed run, and a message
    expect(received.some((r) => r.path.endsWith(`/run/${run}`) && /tsplay_run_status\{[^}]*\} 4/.test(r.body))).toBe(true);
    expect(received.some((r) => r.path.startsWith('/hooks/') && new RegExp(`tsplay run ${run} .*is stalled`).test(r.body))).toBe(true);
  });

  it('a runner started while another is at the run leaves it; with nothing unfinished it starts afresh', async () => {
    const pod = await cl.runnerJob('nightly-3', 'k8s01');
    // the chain above finished: a new run starts (and hands off at once: k8s01 is its first batch)
    const r = await cl.start(pod['metadata'].name, 'k8s01').done;
    expect(r.rc, r.stderr).toBe(0);
    expect(r.events.find((e) => e.type === 'start')?.['resumed_from']).toBeUndefined();
    expect(r.events.find((e) => e.type === 'safety' && e['check'] === 'self-preemption')).toMatchObject({ node: 'k8s01' });
    // the CronJob fires again while the successor has not started: left to the successor
    const again = await cl.start(pod['metadata'].name + '-x', 'k8s03').done;
    expect(again.rc).toBe(0);
    expect(again.stderr).toMatch(/nothing to do here: run .* handed off; its successor continues it/);
    // the successor runs; a runner started meanwhile finds the run in progress in its Pod and leaves it
    await cl.podEnded(pod['metadata'].name, 'Succeeded');
    const next = await cl.podOf(successorName(runOf(r.events), 'k8s01'));
    const successor = cl.start(next['metadata'].name, next['spec'].nodeName, [], { TSPLAY_RESUME_RUN: runOf(r.events) });
    let out = '';
    successor.child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 60_000;
    while (!/"type":"lock","status":"taken"/.test(out) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
    const meanwhile = await cl.start('nightly-3-later', 'k8s03').done;
    expect(meanwhile.rc).toBe(0);
    expect(meanwhile.stderr).toMatch(new RegExp(`nothing to do here: run .* is in progress in Pod ${NS}/${next['metadata'].name}`));
    expect((await successor.done).rc).toBe(0);
  });
});
