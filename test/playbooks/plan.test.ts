// `tsplay plan` on the shipped playbooks with the example inventories (addresses in TEST-NET,
// never contacted): the batches each play holds, the tasks the tags select, guards, disruptive
// steps, handlers and quorum limits; --json for tools. Also `tsplay validate` passes on each.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../e2e/cli.js';
import { runInProcess as runCli } from '../helpers/in-process.js';

const pb = (p: string) => join(ROOT, 'playbooks', p);
const inv = (i: string) => join(ROOT, 'inventory', i);
const plan = (...args: string[]) => runCli(['plan', ...args], { cwd: ROOT, env: { NO_COLOR: '1' } });

describe('tsplay plan on the shipped playbooks', () => {
  it('k8s-reboot.yml: one node per batch, the disruptive steps and the guards', async () => {
    const r = await plan(pb('k8s-reboot.yml'), '-i', inv('pvek8s.yml'));
    expect(r.rc).toBe(0);
    expect(r.stdout).toContain('PLAY 2 [rolling reboot]  hosts: k8s (3 hosts)  serial: 1');
    expect(r.stdout).toContain('quorum group k8s: at most 1 of 3 (pvek8s01, pvek8s02, pvek8s03) unavailable at once');
    expect(r.stdout).toMatch(/batch 1\/3: pvek8s01\n {2}batch 2\/3: pvek8s02\n {2}batch 3\/3: pvek8s03/);
    expect(r.stdout).toMatch(/12\. drain +kubectl {2}disruptive: drain/);
    expect(r.stdout).toMatch(/17\. reboot +reboot {2}when: not already_rebooted \| bool {2}disruptive: reboot/);
    expect(r.stdout).toMatch(/3\. every node Ready and the datastore quorum healthy debug {2}guard: nodes_ready, quorum/);
    // the cluster gates' plays have every node, one batch each, so --limit never empties them
    expect(r.stdout).toMatch(/PLAY 1 \[preflight — the cluster is healthy enough to lose one node\]  hosts: k8s \(3 hosts\)  serial: 1/);
  });

  it('k8s-upgrade.yml: control plane first, and --tags endpoint-validate selects only the validation', async () => {
    const all = await plan(pb('k8s-upgrade.yml'), '-i', inv('kubeadm.yml'));
    expect(all.rc).toBe(0);
    expect(all.stdout).toMatch(/batch 1\/6: cp1\n {2}batch 2\/6: cp2\n {2}batch 3\/6: cp3\n {2}batch 4\/6: worker1/);
    expect(all.stdout).toContain('quorum group etcd: at most 1 of 3 (cp1, cp2, cp3) unavailable at once');
    expect(all.stdout).toMatch(/kubeadm node upgrade +include_tasks {2}when: flavor == 'kubeadm'/);
    const tagged = await plan(pb('k8s-upgrade.yml'), '-i', inv('kubeadm.yml'), '--tags', 'endpoint-validate');
    expect(tagged.rc).toBe(0);
    expect(tagged.stdout).toContain('(--tags endpoint-validate)');
    expect(tagged.stdout.match(/\(none selected by the tags\)/g)).toHaveLength(6);
    expect(tagged.stdout).toMatch(/2\. compare every EndpointSlice with the live pod IPs kubectl {2}tags: validate,endpoint-validate/);
  });

  it('update/home.yml: the guarded, disruptive handlers', async () => {
    const r = await plan(pb('update/home.yml'), '-i', inv('pvek8s.yml'), '-t', 'dqlite-args');
    expect(r.rc).toBe(0);
    expect(r.stdout).toMatch(/restart k8s-dqlite +systemd {2}guard: journal, quorum {2}disruptive: restart of snap\.microk8s\.daemon-k8s-dqlite/);
    expect(r.stdout).toMatch(/2\. k8s-dqlite arguments +lineinfile/);
    expect(r.stdout).not.toContain('upgrade the OS packages');
  });

  it('--json gives the plays, batches and tasks to tools', async () => {
    const r = await plan(pb('k8s-reboot.yml'), '-i', inv('pvek8s.yml'), '--json');
    expect(r.rc).toBe(0);
    const p = JSON.parse(r.stdout) as { plays: { name: string; batches: string[][]; tasks: { name: string; action: string }[] }[] };
    expect(p.plays.map((x) => x.batches.length)).toEqual([3, 3, 3, 3, 3]);
    expect(p.plays[1]?.tasks.map((t) => t.action)).toContain('reboot');
  });

  it('validate accepts every shipped playbook with both example inventories', async () => {
    for (const book of ['k8s-reboot.yml', 'k8s-upgrade.yml', 'update/home.yml']) {
      for (const i of ['pvek8s.yml', 'kubeadm.yml']) {
        const r = await runCli(['validate', pb(book), '-i', inv(i)], { cwd: ROOT });
        expect(r.stderr).toBe('');
        expect(r.rc).toBe(0);
      }
    }
  });
});
