// The run journal on a real filesystem that fills up or is read-only (a small tmpfs; skipped where
// mounting is not permitted): the directory is checked before any host is contacted; a disk that
// fills mid-run stops every host before its next task with a clear message and exit 1 (never 250,
// never a stack trace), and the run resumes once there is room. Journals are 0600 in a 0700 directory.
import { spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, ROOT, runCli, startCli } from './cli.js';

const FIX = join(ROOT, 'test', 'e2e', 'fixtures');
const mounted: string[] = [];
const made: string[] = [];

// Whether this process may mount a tmpfs (root in a permissive container).
function canMount(): boolean {
  const probe = mkdtempSync(join(tmpdir(), 'tsplay-mnt-'));
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]).status === 0;
  if (ok) spawnSync('umount', [probe]);
  rmSync(probe, { recursive: true, force: true });
  return ok;
}
const MOUNT = canMount();

afterEach(() => {
  for (const m of mounted.splice(0)) spawnSync('umount', ['-l', m]);
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

// A workspace whose .tsplay is a 4 MiB tmpfs.
function workspace(): { dir: string; state: string; args: string[]; log: (n: string) => string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-jfull-'));
  made.push(dir);
  const state = join(dir, 'state');
  mkdirSync(state);
  const ts = join(dir, '.tsplay');
  mkdirSync(ts);
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0755', 'tmpfs', ts]).status !== 0) throw new Error('mount failed');
  mounted.push(ts);
  const args = ['run', join(FIX, 'steps.yml'), '-i', join(FIX, 'nodes.ini'), '-e', `state=${state}`];
  const log = (n: string) => (existsSync(join(state, n)) ? readFileSync(join(state, n), 'utf8').trim().split('\n') : []);
  return { dir, state, args, log };
}

// Fills the filesystem holding `dir` until a write fails.
function fill(dir: string): string {
  const f = join(dir, 'filler');
  const fd = openSync(f, 'w');
  const chunk = Buffer.alloc(16 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch {
    /* full */
  } finally {
    closeSync(fd);
  }
  return f;
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const noTrace = (s: string) => expect(s).not.toMatch(/internal error|\n\s+at \S+ \(/);

describe.skipIf(!MOUNT)('the journal on a full or read-only filesystem', () => {
  beforeAll(assertBuilt);

  it('the disk fills in batch 2: a clean stop before the next task (exit 1), then resumable once there is room', async () => {
    const w = workspace();
    writeFileSync(join(w.state, 'slow-n2'), '');
    const run = startCli(w.args, { cwd: w.dir });
    await until(() => w.log('once.log').some((l) => l.startsWith('n2-')), 'n2 one-off step');
    const dir = join(w.dir, '.tsplay', 'runs');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const journal = join(dir, readdirSync(dir)[0] as string);
    // the run is quiet: n2's one-off step fully recorded (its notification is the last record), 'may fail' waiting
    await until(() => /"kind":"notify","play":1,"batch":2,"host":"n2"/.test(readFileSync(journal, 'utf8')), "n2's records");
    expect(statSync(journal).mode & 0o777).toBe(0o600);
    // the journal's last page has room for a few more lines: pad it to the page's end (blank lines
    // are skipped by readers), so its next record needs a page the full disk cannot give
    appendFileSync(journal, '\n'.repeat(4096 - (statSync(journal).size % 4096)));
    const filler = fill(join(w.dir, '.tsplay'));
    rmSync(join(w.state, 'slow-n2'));
    const first = await run.done;
    expect(first.rc).toBe(1);
    noTrace(first.stderr);
    expect(first.stderr).toMatch(/ERROR! the run journal \S+ cannot be written \(ENOSPC.*\); every host stops before its next task/);
    // n2 did not start its next task, n3 was never touched
    expect(w.log('used.log')).toEqual([w.log('once.log')[0]]);
    expect(w.log('once.log').map((l) => l.split('-')[0])).toEqual(['n1', 'n2']);
    // every line that is there is whole
    for (const l of readFileSync(journal, 'utf8').split('\n').filter(Boolean)) expect(() => JSON.parse(l)).not.toThrow();
    rmSync(filler);
    const listed = JSON.parse((await runCli(['runs', '--json'], { cwd: w.dir })).stdout) as { status: string }[];
    expect(listed[0]?.status).toBe('interrupted');
    const second = await runCli([...w.args, '--resume'], { cwd: w.dir });
    expect(second.rc).toBe(0);
    expect(w.log('once.log').map((l) => l.split('-')[0])).toEqual(['n1', 'n2', 'n3']);
    expect(w.log('used.log')).toEqual(w.log('once.log'));
  });

  it('no room before the run: refused before any host is contacted', async () => {
    const w = workspace();
    fill(join(w.dir, '.tsplay'));
    const r = await runCli(w.args, { cwd: w.dir });
    expect(r.rc).toBe(1);
    noTrace(r.stderr);
    expect(r.stderr).toMatch(/ERROR! (no room for the run journal|cannot \S+ the run journal).*nothing was run/);
    expect(w.log('once.log')).toEqual([]);
  });

  it('a read-only .tsplay: refused before any host is contacted, no stack trace', async () => {
    const w = workspace();
    expect(spawnSync('mount', ['-o', 'remount,ro', join(w.dir, '.tsplay')]).status).toBe(0);
    const r = await runCli(w.args, { cwd: w.dir });
    expect(r.rc).toBe(1);
    noTrace(r.stderr);
    expect(r.stderr).toMatch(/ERROR! cannot use the run journal directory .*read-only.*nothing was run/);
    expect(w.log('once.log')).toEqual([]);
  });
});
