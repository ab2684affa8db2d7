// The kubectl module and Debian's real kubectl on the same (HTTPS, token) simulated cluster:
// what one cordons the other sees, and an operator's `kubectl cordon` is never undone by tsplay.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeNode, type KubeObject } from '../../../lab/kube/index.js';
import kubectl from '../../../modules/kubectl.js';
import { KubectlRig, findDebianKubectl } from '../../lab/kube/kubectl-harness.js';
import { recordedHost, runRecorded } from './recorded-host.js';

let bin = '';
let rig: KubectlRig;

async function tsplay(args: Record<string, unknown>) {
  return (await runRecorded(kubectl, recordedHost([]), args as never, { vars: { tsplay_kubeconfig: rig.api.kubeconfig(), tsplay_run_id: 'run-7' } })).result;
}

describe('kubectl module alongside the real kubectl', () => {
  beforeAll(() => {
    const found = findDebianKubectl();
    if ('error' in found) throw new Error(`no kubectl: ${found.error} (set TSPLAY_KUBECTL)`);
    bin = found.path;
  }, 300_000);
  beforeEach(async () => {
    rig = await KubectlRig.start(bin);
    rig.api.store.add(makeNode('k8s01'), makeNode('k8s02'), makeNode('k8s03'));
  });
  afterEach(async () => {
    await rig?.close();
  });

  it('tsplay cordons over HTTPS and kubectl shows SchedulingDisabled; kubectl uncordon leaves a stale mark tsplay cleans up', async () => {
    expect(await tsplay({ action: 'cordon', node: 'k8s02' })).toMatchObject({ changed: true });
    const get = await rig.run(['get', 'node', 'k8s02']);
    expect(get.stdout).toMatch(/^k8s02\s+Ready,SchedulingDisabled\s/m);
    expect((await rig.run(['uncordon', 'k8s02'])).stdout).toMatch(/node\/k8s02 uncordoned/);
    const r = await tsplay({ action: 'uncordon', node: 'k8s02' });
    expect(r).toMatchObject({ changed: true, msg: 'node k8s02 was already schedulable; removed the stale tsplay.dev/cordoned-by annotation' });
    expect((rig.api.store.get('nodes', 'k8s02') as KubeObject).metadata.annotations?.['tsplay.dev/cordoned-by']).toBeUndefined();
  });

  it("an operator's kubectl cordon is respected", async () => {
    expect((await rig.run(['cordon', 'k8s03'])).code).toBe(0);
    expect(await tsplay({ action: 'cordon', node: 'k8s03' })).toMatchObject({ changed: false });
    expect(await tsplay({ action: 'uncordon', node: 'k8s03' })).toMatchObject({ changed: false, msg: 'node k8s03 was cordoned by someone else; not uncordoning (force: true to override)' });
    expect((await rig.run(['get', 'node', 'k8s03'])).stdout).toMatch(/SchedulingDisabled/);
  });
});
