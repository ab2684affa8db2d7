// The kubectl module's clients: the tasks of a run share one per kubeconfig and context, a changed
// kubeconfig file gets a new one, and a shared client still answers after many tasks.
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApi, type KubeApi } from '../../../lab/kube/index.js';
import { withKube } from '../../../modules/lib/kube-connect.js';
import type { KubeClient } from '../../../engine/kube/index.js';

let api: KubeApi;
let dir: string;
let path: string;

beforeAll(async () => {
  api = await startKubeApi({ controllers: false });
  dir = mkdtempSync(join(tmpdir(), 'tsplay-kube-connect-'));
  path = join(dir, 'kubeconfig');
  writeFileSync(path, api.kubeconfig());
});
afterAll(async () => {
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = (vars: Record<string, unknown>) => ({ hostVar: (n: string) => vars[n] });
const clientOf = (vars: Record<string, unknown>, s = {}) => withKube(env(vars), s, async (c) => c);

describe('withKube', () => {
  it('gives the tasks of every host with the same kubeconfig one client, and it keeps answering', async () => {
    const a = await clientOf({ tsplay_kubeconfig: path });
    const b = await clientOf({ tsplay_kubeconfig: path });
    expect(b).toBe(a);
    for (let i = 0; i < 20; i++) expect(await withKube(env({ tsplay_kubeconfig: path }), {}, (c) => c.find('namespaces', 'default'))).toBeTruthy();
  });

  it('gives another context, or the kubeconfig as text, a client of its own', async () => {
    const a = await clientOf({ tsplay_kubeconfig: path });
    const text = await clientOf({}, { kubeconfig: api.kubeconfig() });
    expect(text).not.toBe(a);
    await expect(clientOf({ tsplay_kubeconfig: path, tsplay_kube_context: 'nope' })).rejects.toThrow(/nope/);
  });

  it('reads a kubeconfig file again once it changed (a rotated token or certificate)', async () => {
    const a: KubeClient = await clientOf({ tsplay_kubeconfig: path });
    writeFileSync(path, api.kubeconfig() + '\n');
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    const b = await clientOf({ tsplay_kubeconfig: path });
    expect(b).not.toBe(a);
    expect(await b.find('namespaces', 'default')).toBeTruthy();
  });
});
