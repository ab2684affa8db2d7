// The run lock through the built CLI, for both kinds (a Lease on a simulated API, a lock file on the
// group's first host): a run suspended past the lock's lifetime (SIGSTOP) comes back to find it
// taken and stops before its next task without touching the new holder's lock; --break-lock takes
// a live lock only when it names the run; a run's end releases only its own lock, and a release
// that fails says so. (Two runs started in the same millisecond: lock-race-*.test.ts.)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startKubeApi, type KubeApi } from '../../lab/kube/index.js';
import { runCli } from './cli.js';
import { apiForTests, runIdOf, space as spaceWith, taken, until, type Kind } from './lock-space.js';

let api: KubeApi;
const space = (kind: Kind, kubeconfig?: string) => spaceWith(kind, api, kubeconfig);

apiForTests((a) => (api = a));

describe.each(['lease', 'file'] as const)('the run lock as a %s, through the CLI', (kind) => {
  it('a run suspended past the lock lifetime (SIGSTOP) finds it taken and stops; the new holder keeps it', { timeout: 60_000 }, async () => {
    const s = space(kind);
    const env = { TSPLAY_LOCK_TTL_S: '2' };
    s.gate('a', true);
    const a = s.start('a', env);
    await until(() => taken(a.out()), 'run A to take the lock');
    a.child.kill('SIGSTOP');
    await sleep(2600);
    s.gate('b', true);
    const b = s.start('b', env);
    await until(() => taken(b.out()), 'run B to take the expired lock');
    expect(b.out()).toMatch(new RegExp(`took over the expired run lock of run ${runIdOf(a.out())}`));
    a.child.kill('SIGCONT');
    s.gate('a', false);
    const ra = await a.done;
    expect(ra.rc).toBe(1);
    expect(ra.stdout).toMatch(new RegExp(`"type":"lock","status":"lost".*taken over by run ${runIdOf(b.out())}`));
    expect(ra.stdout).toMatch(/ERROR! the run lock .* taken over by run \S+ .*stops before its next task/);
    expect(ra.stdout).not.toMatch(/"type":"lock","status":"released"/);
    expect(s.work()).toEqual([]);
    expect(s.holder()).toBe(runIdOf(b.out()));
    s.gate('b', false);
    expect((await b.done).rc).toBe(0);
    expect(s.work()).toEqual(['b-n1', 'b-n2']);
    expect(s.holder()).toBeUndefined();
    // A was interrupted: it can be resumed
    const runs = JSON.parse((await runCli(['runs', '--json'], { cwd: s.dir })).stdout) as { run: string; status: string }[];
    expect(runs.find((r) => r.run === runIdOf(a.out()))?.status).toBe('interrupted');
  });

  it('--break-lock takes a live lock only when it names the run; the old holder stops at its next renewal and releases nothing', { timeout: 60_000 }, async () => {
    const s = space(kind);
    const env = { TSPLAY_LOCK_TTL_S: '4' };
    s.gate('a', true);
    const a = s.start('a', env);
    await until(() => taken(a.out()), 'run A to take the lock');
    const idA = runIdOf(a.out());
    const bare = await runCli(['run', 'pb.yml', '-i', 'hosts.ini', '-e', `state=${s.dir}`, '-e', 'who=x', '--break-lock'], { cwd: s.dir, env });
    expect(bare.rc).toBe(1);
    expect(bare.stderr).toMatch(new RegExp(`locked by run ${idA} .*--break-lock ${idA}`));
    s.gate('b', true);
    const b = s.start('b', env, '--break-lock', idA);
    await until(() => taken(b.out()), 'run B to take over');
    expect(b.out()).toMatch(new RegExp(`took over the live run lock of run ${idA}`));
    await sleep(1500);
    s.gate('a', false);
    const ra = await a.done;
    expect(ra.rc).toBe(1);
    expect(s.work()).toEqual([]);
    // A's end did not release B's lock: a third run is refused while B runs
    const c = await runCli(['run', 'pb.yml', '-i', 'hosts.ini', '-e', `state=${s.dir}`, '-e', 'who=c'], { cwd: s.dir, env });
    expect(c.rc).toBe(1);
    expect(c.stderr).toMatch(new RegExp(`locked by run ${runIdOf(b.out())}`));
    const runs = JSON.parse((await runCli(['runs', '--json'], { cwd: s.dir })).stdout) as { status: string; rc: number }[];
    expect(runs[0]).toMatchObject({ status: 'refused', rc: 1 });
    s.gate('b', false);
    expect((await b.done).rc).toBe(0);
    expect(s.work()).toEqual(['b-n1', 'b-n2']);
  });
});

describe('kill -9, then --resume under the dead run\'s lock', () => {
  it('a --resume refused by the lock leaves a refused journal; --resume --break-lock then continues the killed run, not the refused one', { timeout: 60_000 }, async () => {
    const s = space('file');
    s.gate('a', true);
    const a = s.start('a');
    await until(() => taken(a.out()), 'run A to take the lock');
    const idA = runIdOf(a.out());
    a.child.kill('SIGKILL');
    await a.done;
    // as if A ran on another machine: its death cannot be seen from here, its lock is still live
    const file = join(s.dir, 'var', 'tmp', 'tsplay-run.lock');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"host":"[^"]*"/, '"host":"elsewhere"'));
    s.gate('a', false);
    const args = ['run', 'pb.yml', '-i', 'hosts.ini', '-e', `state=${s.dir}`, '-e', 'who=a', '--resume'];
    const refused = await runCli(args, { cwd: s.dir });
    expect(refused.rc).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`locked by run ${idA} .*--break-lock ${idA}`));
    const r = await runCli([...args, '--break-lock', '--output', 'json'], { cwd: s.dir });
    expect(r.rc).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`"resumed_from":"${idA}"`));
    expect(r.stdout).toMatch(new RegExp(`took over the live run lock of run ${idA}`));
    expect(s.work()).toEqual(['a-n1', 'a-n2']);
    const runs = JSON.parse((await runCli(['runs', '--json'], { cwd: s.dir })).stdout) as { run: string; status: string; resumed_by: string[] }[];
    expect(runs.map((x) => x.status)).toEqual(['finished', 'refused', 'interrupted']);
    expect(runs[2]).toMatchObject({ run: idA, resumed_by: [runs[0]?.run] });
  });
});

describe('releasing the Lease', () => {
  it('when the API is gone at the end, the run says the lock was NOT released', { timeout: 60_000 }, async () => {
    const other = await startKubeApi({ controllers: false });
    const s = space('lease', other.kubeconfig());
    s.gate('a', true);
    const a = s.start('a');
    await until(() => taken(a.out()), 'run A to take the lock');
    await other.close();
    s.gate('a', false);
    const r = await a.done;
    expect(r.stdout).toMatch(/"type":"lock","status":"not-released".*NOT released/);
    expect(r.stdout).not.toMatch(/"type":"lock","status":"released"/);
  });
});
