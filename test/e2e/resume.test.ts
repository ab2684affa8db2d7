// Resumable runs end to end through the built CLI: a run that stops in batch 2 of 3 (a host
// failing, Ctrl-C once or twice, kill -9) is continued with --resume from batch 2 without re-running
// batch 1, and within batch 2 without re-running a host's completed tasks (their registered values
// and notifications restored); --redo-batch runs the batch again. Run states and the chain of
// resumed runs in `tsplay runs`; a --check run is never resumed; a torn last journal line is read.
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, ROOT, runCli, startCli } from './cli.js';

const FIX = join(ROOT, 'test', 'e2e', 'fixtures');

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function workspace(playbook = 'rolling.yml'): { dir: string; args: string[]; log: (name?: string) => string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-resume-'));
  made.push(dir);
  const args = ['run', join(FIX, playbook), '-i', join(FIX, 'nodes.ini'), '-e', `state=${dir}`];
  const log = (name = 'done.log') => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8').trim().split('\n') : []);
  return { dir, args, log };
}

type Run = { run: string; status: string; rc?: number; resumed_from?: string; resumed_by: string[]; torn?: boolean; batches: { batch: number; complete: boolean }[] };
async function runs(dir: string): Promise<Run[]> {
  return JSON.parse((await runCli(['runs', '--json'], { cwd: dir })).stdout) as Run[];
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('resumable runs', () => {
  beforeAll(assertBuilt);

  it('resumes after a host failed in batch 2 of 3, skipping batch 1; the resumed run closes its parent', async () => {
    const w = workspace();
    writeFileSync(join(w.dir, 'break-n2'), '');
    const first = await runCli(w.args, { cwd: w.dir });
    expect(first.rc).toBe(2);
    expect(w.log()).toEqual(['n1', 'n2']);
    expect(first.stderr).toMatch(/continue it with --resume/);
    rmSync(join(w.dir, 'break-n2'));
    const second = await runCli([...w.args, '--resume'], { cwd: w.dir });
    expect(second.rc).toBe(0);
    expect(second.stdout).toMatch(/skipping play 1 batch 1 \(completed before\): n1/);
    expect(second.stdout).toMatch(/TASK \[slow step\] \*+\nok: \[n2\] \(done before; restored by --resume, not run again\)/);
    expect(w.log()).toEqual(['n1', 'n2', 'n2', 'n3']);
    const list = await runs(w.dir);
    expect(list.map((r) => r.status)).toEqual(['finished', 'failed']);
    expect(list[0]?.resumed_from).toBe(list[1]?.run);
    expect(list[1]?.resumed_by).toEqual([list[0]?.run]);
    expect(list[0]?.batches.map((b) => [b.batch, b.complete])).toEqual([[1, true], [2, true], [3, true]]);
    // nothing left: a third --resume refuses, and reruns nothing
    const third = await runCli([...w.args, '--resume'], { cwd: w.dir });
    expect(third.rc).toBe(1);
    expect(third.stderr).toMatch(/nothing to resume: .*finished successfully/);
    const named = await runCli([...w.args, '--resume', list[1]?.run ?? ''], { cwd: w.dir });
    expect(named.rc).toBe(1);
    expect(named.stderr).toMatch(/was already continued by run \S+ \(finished\)/);
    expect(w.log()).toEqual(['n1', 'n2', 'n2', 'n3']);
  });

  it('within the unfinished batch, a host\'s completed tasks are restored: registered value and notification, not run again', async () => {
    const w = workspace('steps.yml');
    writeFileSync(join(w.dir, 'break-n2'), '');
    expect((await runCli(w.args, { cwd: w.dir })).rc).toBe(2);
    expect(w.log('once.log')).toHaveLength(2);
    expect(w.log('handler.log')).toEqual(['n1']);
    rmSync(join(w.dir, 'break-n2'));
    const r = await runCli([...w.args, '--resume', '--output', 'json'], { cwd: w.dir });
    expect(r.rc).toBe(0);
    const once = w.log('once.log');
    expect(once.filter((l) => l.startsWith('n2-'))).toHaveLength(1);
    // the registered value came back from the journal: the same line the one-off step printed
    expect(w.log('used.log')).toEqual(once);
    expect(w.log('handler.log')).toEqual(['n1', 'n2', 'n3']);
    const events = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.find((e) => e['type'] === 'result' && e['host'] === 'n2' && e['task'] === 'one-off step')).toMatchObject({ status: 'changed', resumed: true });
    expect(events.find((e) => e['type'] === 'notify' && e['host'] === 'n2')).toMatchObject({ handlers: ['report'], resumed: true });
  });

  it('--resume --redo-batch runs the unfinished batch again from its first task', async () => {
    const w = workspace('steps.yml');
    writeFileSync(join(w.dir, 'break-n2'), '');
    expect((await runCli(w.args, { cwd: w.dir })).rc).toBe(2);
    rmSync(join(w.dir, 'break-n2'));
    expect((await runCli([...w.args, '--resume', '--redo-batch'], { cwd: w.dir })).rc).toBe(0);
    expect(w.log('once.log').filter((l) => l.startsWith('n2-'))).toHaveLength(2);
    expect((await runCli([...w.args, '--redo-batch'], { cwd: w.dir })).rc).toBe(5);
  });

  it('a playbook changed since the run is not resumed task by task (tasks are matched by position); --redo-batch still works', async () => {
    const w = workspace('steps.yml');
    const copy = join(w.dir, 'steps.yml');
    writeFileSync(copy, readFileSync(join(FIX, 'steps.yml'), 'utf8'));
    const args = ['run', copy, ...w.args.slice(2)];
    writeFileSync(join(w.dir, 'break-n2'), '');
    expect((await runCli(args, { cwd: w.dir })).rc).toBe(2);
    rmSync(join(w.dir, 'break-n2'));
    writeFileSync(copy, readFileSync(copy, 'utf8').replace('  tasks:\n', '  tasks:\n    - name: a new first step\n      debug: {msg: new}\n'));
    const r = await runCli([...args, '--resume'], { cwd: w.dir });
    expect(r.rc).toBe(1);
    expect(r.stderr).toMatch(/the playbook changed since .*--redo-batch/);
    expect((await runCli([...args, '--resume', '--redo-batch'], { cwd: w.dir })).rc).toBe(0);
  });

  it('stops on SIGINT with exit 99 after the command in flight, then resumes from that batch', async () => {
    const w = workspace();
    writeFileSync(join(w.dir, 'slow-n2'), '');
    const run = startCli([...w.args, '--output', 'json'], { cwd: w.dir });
    await until(() => w.log().includes('n1'), 'n1');
    await sleep(300);
    run.child.kill('SIGINT');
    await sleep(200);
    rmSync(join(w.dir, 'slow-n2'));
    const first = await run.done;
    expect(first.rc).toBe(99);
    expect(w.log()).toEqual(['n1']);
    expect((await runs(w.dir))[0]).toMatchObject({ status: 'interrupted', rc: 99 });
    const second = await runCli([...w.args, '--resume'], { cwd: w.dir });
    expect(second.rc).toBe(0);
    expect(w.log()).toEqual(['n1', 'n2', 'n3']);
  });

  it('two SIGINTs abort the command in flight (exit 99); --resume runs that task again and nothing before it', async () => {
    const w = workspace('steps.yml');
    writeFileSync(join(w.dir, 'slow-n2'), '');
    const run = startCli(w.args, { cwd: w.dir });
    await until(() => w.log('once.log').some((l) => l.startsWith('n2-')), 'n2 one-off step');
    await sleep(300);
    run.child.kill('SIGINT');
    await sleep(300);
    run.child.kill('SIGINT');
    const first = await run.done;
    expect(first.rc).toBe(99);
    expect(first.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(existsSync(join(w.dir, 'slow-n2'))).toBe(true);
    rmSync(join(w.dir, 'slow-n2'));
    const second = await runCli([...w.args, '--resume'], { cwd: w.dir });
    expect(second.rc).toBe(0);
    expect(w.log('once.log').filter((l) => l.startsWith('n2-'))).toHaveLength(1);
    expect(w.log('used.log')).toEqual(w.log('once.log'));
  });

  it('kill -9 in batch 2: the run is listed as interrupted, --resume continues it without repeating a step', async () => {
    const w = workspace('steps.yml');
    writeFileSync(join(w.dir, 'slow-n2'), '');
    const run = startCli(w.args, { cwd: w.dir });
    await until(() => w.log('once.log').some((l) => l.startsWith('n2-')), 'n2 one-off step');
    await sleep(300);
    run.child.kill('SIGKILL');
    await run.done;
    rmSync(join(w.dir, 'slow-n2'));
    expect((await runs(w.dir))[0]).toMatchObject({ status: 'interrupted' });
    const r = await runCli([...w.args, '--resume'], { cwd: w.dir });
    expect(r.rc).toBe(0);
    expect(w.log('once.log').map((l) => l.split('-')[0])).toEqual(['n1', 'n2', 'n3']);
    expect(w.log('used.log')).toEqual(w.log('once.log'));
  });

  it('a --check run is never resumed: it does not suggest --resume, and --resume after it is refused with the reason', async () => {
    const w = workspace();
    writeFileSync(join(w.dir, 'break-n1'), '');
    const check = await runCli([...w.args, '--check'], { cwd: w.dir });
    expect(check.stderr).not.toMatch(/--resume/);
    expect((await runs(w.dir))[0]).toMatchObject({ status: 'check' });
    const r = await runCli([...w.args, '--resume'], { cwd: w.dir });
    expect(r.rc).toBe(1);
    expect(r.stderr).toMatch(/nothing to resume: .*was a --check run: it changed nothing/);
    expect(w.log()).toEqual([]);
  });

  it('a torn last journal line is tolerated by tsplay runs and --resume', async () => {
    const w = workspace();
    writeFileSync(join(w.dir, 'break-n2'), '');
    expect((await runCli(w.args, { cwd: w.dir })).rc).toBe(2);
    const dir = join(w.dir, '.tsplay', 'runs');
    const file = join(dir, readdirSync(dir)[0] as string);
    // cut the end record in the middle, as a crash in a write would
    const text = readFileSync(file, 'utf8').trimEnd().split('\n');
    writeFileSync(file, [...text.slice(0, -1), (text.at(-1) ?? '').slice(0, 12)].join('\n'));
    appendFileSync(file, '');
    const list = await runs(w.dir);
    expect(list[0]).toMatchObject({ status: 'interrupted', torn: true });
    rmSync(join(w.dir, 'break-n2'));
    const r = await runCli([...w.args, '--resume'], { cwd: w.dir });
    expect(r.rc).toBe(0);
    expect(w.log()).toEqual(['n1', 'n2', 'n2', 'n3']);
  });

  it('says when there is nothing to resume', async () => {
    const w = workspace();
    const r = await runCli([...w.args, '--resume'], { cwd: w.dir });
    expect(r.rc).toBe(1);
    expect(r.stderr).toMatch(/nothing to resume/);
  });
});
