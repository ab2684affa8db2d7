// The run lock tests' workspace: a playbook whose first step waits on a gate file, an inventory
// of two local hosts for either lock kind (a Lease on a simulated API, a lock file on the group's
// first host), and ways to start runs, open gates and read the holder; raceSuite(kind), the
// same-millisecond race of one kind.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApi, type KubeApi } from '../../lab/kube/index.js';
import { assertBuilt, startCli, type CliResult } from './cli.js';

const made: string[] = [];

// Removes every workspace made so far.
export function removeSpaces(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export const PLAYBOOK = `- hosts: k8s
  gather_facts: false
  serial: 1
  tasks:
    - name: slow step
      shell: "while [ -e '{{ state }}/slow-{{ who }}' ]; do sleep 0.05; done"
      changed_when: false
    - name: work
      shell: "echo {{ who }}-{{ inventory_hostname }} >> '{{ state }}/work.log'"
`;

export type Kind = 'lease' | 'file';

export interface Space {
  dir: string;
  start(who: string, env?: Record<string, string>, ...extra: string[]): { child: ReturnType<typeof startCli>['child']; done: Promise<CliResult>; out: () => string };
  gate(who: string, on: boolean): void;
  work(): string[];
  holder(): string | undefined;
}

// A workspace for runs of `kind`; lease runs use the API `api` (or the kubeconfig given).
export function space(kind: Kind, api: KubeApi, kubeconfig?: string): Space {
  const dir = mkdtempSync(join(tmpdir(), `tsplay-lock-${kind}-`));
  made.push(dir);
  writeFileSync(join(dir, 'pb.yml'), PLAYBOOK);
  const kc = kubeconfig ?? api.kubeconfig();
  writeFileSync(join(dir, 'kubeconfig'), kc);
  const vars = [`ansible_connection=local`, `tsplay_node_root=${dir}`, ...(kind === 'lease' ? [`tsplay_kubeconfig=${join(dir, 'kubeconfig')}`] : [])];
  writeFileSync(join(dir, 'hosts.ini'), `[k8s]\nn1\nn2\n\n[k8s:vars]\n${vars.join('\n')}\n`);
  const lockFile = join(dir, 'var', 'tmp', 'tsplay-run.lock');
  return {
    dir,
    start: (who, env = {}, ...extra) => {
      const r = startCli(['run', 'pb.yml', '-i', 'hosts.ini', '-e', `state=${dir}`, '-e', `who=${who}`, '--output', 'json', ...extra], { cwd: dir, env: { TSPLAY_KUBE_RETRY_S: '1', ...env }, timeoutMs: 60_000 });
      let out = '';
      r.child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
      return { ...r, out: () => out };
    },
    gate: (who, on) => (on ? writeFileSync(join(dir, `slow-${who}`), '') : rmSync(join(dir, `slow-${who}`), { force: true })),
    work: () => (existsSync(join(dir, 'work.log')) ? readFileSync(join(dir, 'work.log'), 'utf8').trim().split('\n') : []),
    holder: () => {
      if (kind === 'file') return existsSync(lockFile) ? (JSON.parse(readFileSync(lockFile, 'utf8')) as { run: string }).run : undefined;
      const l = api.store.get('leases', 'tsplay-run-lock', 'kube-system');
      return (l?.spec as { holderIdentity?: string } | undefined)?.holderIdentity;
    },
  };
}

export const taken = (out: string) => /"type":"lock","status":"taken"/.test(out);
export const runIdOf = (out: string) => /"type":"start","run":"([^"]+)"/.exec(out)?.[1] ?? '';

// Waits (bounded) until check() holds.
export async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

// The build checked and a simulated API up before the file's first test; after its last, the API
// closed and the workspaces removed. `set` receives the API.
export function apiForTests(set: (api: KubeApi) => void): void {
  let api: KubeApi | undefined;
  beforeAll(async () => {
    assertBuilt();
    api = await startKubeApi({ controllers: false });
    set(api);
  });
  afterAll(async () => {
    await api?.close();
    removeSpaces();
  });
}

const ROUNDS = 50;

// The race of one lock kind, in its own test file so the two kinds run side by side: two runs
// started in the same millisecond never both hold the lock, ROUNDS rounds.
export function raceSuite(kind: Kind): void {
  let api: KubeApi;
  apiForTests((a) => (api = a));

  describe(`the run lock as a ${kind}, through the CLI`, () => {
    it(`two runs started in the same millisecond: never both hold it (${ROUNDS} rounds)`, { timeout: 400_000 }, async () => {
      const s = space(kind, api);
      for (let i = 0; i < ROUNDS; i++) {
        s.gate('a', true);
        s.gate('b', true);
        const a = s.start('a');
        const b = s.start('b');
        let aDone: CliResult | undefined;
        let bDone: CliResult | undefined;
        void a.done.then((r) => (aDone = r));
        void b.done.then((r) => (bDone = r));
        await until(() => (taken(a.out()) || aDone !== undefined) && (taken(b.out()) || bDone !== undefined), 'both runs to settle');
        const holders = [taken(a.out()), taken(b.out())].filter(Boolean).length;
        expect(holders, `round ${i}`).toBe(1);
        s.gate('a', false);
        s.gate('b', false);
        const [ra, rb] = await Promise.all([a.done, b.done]);
        expect([ra.rc, rb.rc].sort(), `round ${i}`).toEqual([0, 1]);
        expect((ra.rc === 1 ? ra : rb).stdout).toMatch(/the cluster is locked by run \S+/);
        expect(s.holder()).toBeUndefined();
      }
    });
  });
}
