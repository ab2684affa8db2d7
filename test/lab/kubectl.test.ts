// A real kubectl against the lab: drain (evictions, rescheduling, the PDB-blocked drain of the seeds),
// uncordon, and `microk8s kubectl` on a node, which runs the machine's kubectl as the node's shell user.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostKubectl } from '../../lab/tools/microk8s.js';
import { findDebianKubectl } from './kube/kubectl-harness.js';
import { TestLab } from './helpers.js';

const found = findDebianKubectl();
const kubectl = 'path' in found ? found.path : hostKubectl();
let t: TestLab;

function run(args: string[]): Promise<{ rc: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(kubectl ?? 'kubectl', ['--kubeconfig', t.lab.paths.kubeconfig, ...args], { env: { PATH: '/usr/bin:/bin', HOME: t.dir, NO_PROXY: '127.0.0.1' }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ rc: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe.skipIf(!kubectl || !existsSync(kubectl))('real kubectl against the lab', () => {
  beforeAll(async () => {
    t = await TestLab.start();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('drains a node: DaemonSet pods stay, the others are evicted and rescheduled', async () => {
    const r = await run(['drain', 'k8s01', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=60s']);
    expect(r.rc, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/node\/k8s01 (drained|evicted)/);
    const pods = t.lab.sim.store.list('pods', { fieldSelector: 'spec.nodeName=k8s01' });
    expect(pods.every((p) => p.metadata.ownerReferences?.some((o) => o.kind === 'DaemonSet'))).toBe(true);
    expect(t.lab.sim.store.list('pods', { namespace: 'default', labelSelector: 'app=web' }).filter((p) => p.status?.phase === 'Running')).toHaveLength(3);
    expect((await run(['uncordon', 'k8s01'])).stdout).toContain('node/k8s01 uncordoned');
  });

  it('a drain blocked by the pdb-blocks-drain fault retries on 429 until its timeout', async () => {
    t.lab.fault('pdb-blocks-drain', true);
    await new Promise((r) => setTimeout(r, 200));
    const r = await run(['drain', 'k8s02', '--ignore-daemonsets', '--pod-selector=app=critical', '--timeout=3s']);
    expect(r.rc).not.toBe(0);
    expect(r.stderr).toContain("Cannot evict pod as it would violate the pod's disruption budget.");
    await run(['uncordon', 'k8s02']);
    t.lab.fault('pdb-blocks-drain', false);
  });

  it.runIf(hostKubectl() !== undefined)('microk8s kubectl on a node talks to the lab API, and fails while kubelite is down', async () => {
    const r = await t.sh('k8s03', 'microk8s kubectl get nodes -o name');
    expect(r.stdout).toBe('node/k8s01\nnode/k8s02\nnode/k8s03\n');
    await t.sh('k8s03', 'systemctl stop snap.microk8s.daemon-kubelite', { root: true });
    const down = await t.sh('k8s03', 'microk8s kubectl get nodes');
    expect(down.rc).toBe(1);
    expect(down.stderr).toContain('The connection to the server 127.0.0.1:16443 was refused');
    await t.sh('k8s03', 'systemctl start snap.microk8s.daemon-kubelite', { root: true });
  });
});
