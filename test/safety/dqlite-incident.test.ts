// Replays seed 004 (dqlite restarted on two voters at once while "database is locked" was
// in the journal) through the CLI: the unserialized play is refused before anything runs;
// with serial 1 the journal guard stops the restart on the contended node and no later batch
// starts; with a clean journal the restart runs node by node. Also: the quorum limit for
// delegated handlers and the self-preemption guard.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../helpers/bundled-main.js';

const FIX = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

interface Run {
  rc: number;
  out: string[];
  err: string;
  events: Record<string, unknown>[];
  actions: string[];
}

async function run(playbook: string, setup: (state: string) => void = () => undefined, extra: string[] = []): Promise<Run> {
  const state = mkdtempSync(join(tmpdir(), 'tsplay-safety-'));
  setup(state);
  const out: string[] = [];
  const err: string[] = [];
  const rc = await main(['run', join(FIX, playbook), '-i', join(FIX, 'k8s.ini'), '--output', 'json', '-e', `fake_bin=${join(FIX, 'bin')}`, '-e', `fake_state=${state}`, ...extra], {
    out: (s) => out.push(...s.split('\n')),
    err: (s) => err.push(s),
    isTTY: false,
    env: { ...process.env, TSPLAY_NODE_NAME: 'the-controller' },
  });
  const file = join(state, 'actions');
  const actions = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(' ').slice(1).join(' ')) : [];
  rmSync(state, { recursive: true, force: true });
  return { rc, out, err: err.join('\n'), events: out.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>), actions };
}

const LOCKED = '2026-06-24T16:16:03+0000 k8s02 k8s-dqlite[1234]: database is locked (try: 500)\n'.repeat(3);

describe('seed 004: the dqlite restart', () => {
  it('refuses the play without serial at its hosts: line, before anything runs', async () => {
    const r = await run('home-unserialized.yml');
    expect(r.rc).toBe(4);
    expect(r.err).toMatch(/home-unserialized\.yml:4:3: error\[quorum-serial\]: play 'update k8s nodes' would run 3 members of quorum group 'k8s' at once/);
    expect(r.err).toContain('add `serial: 1` to the play');
    expect(r.events).toEqual([]);
    expect(r.actions).toEqual([]);
  });

  it('with serial 1, the guard stops the restart on the node whose journal shows lock contention; no later batch', async () => {
    const r = await run('home-guarded.yml', (s) => writeFileSync(join(s, 'k8s02.journal'), LOCKED));
    expect(r.rc).toBe(2);
    expect(r.actions).toEqual(['k8s01 systemctl restart snap.microk8s.daemon-k8s-dqlite']);
    const failed = r.events.find((e) => e['type'] === 'result' && e['host'] === 'k8s02') as Record<string, unknown>;
    expect(failed['status']).toBe('failed');
    expect(String(failed['error'])).toMatch(/^guard tripped: journal: 3 line\(s\) matching \/database is locked\/ in snap\.microk8s\.daemon-k8s-dqlite/);
    expect(String(failed['error'])).toContain('database is locked (try: 500)');
    const batches = r.events.filter((e) => e['type'] === 'batch').map((e) => e['hosts']);
    expect(batches).toEqual([['k8s01'], ['k8s02']]);
    const recap = r.events.find((e) => e['type'] === 'recap') as { stats: Record<string, unknown> };
    expect(Object.keys(recap.stats)).toEqual(['k8s01', 'k8s02']);
    expect(r.events.some((e) => e['type'] === 'guard' && e['status'] === 'tripped' && e['host'] === 'k8s02')).toBe(true);
  });

  it('with a clean journal, restarts node by node', async () => {
    const r = await run('home-guarded.yml');
    expect(r.rc).toBe(0);
    expect(r.actions).toEqual(['k8s01', 'k8s02', 'k8s03'].map((h) => `${h} systemctl restart snap.microk8s.daemon-k8s-dqlite`));
    expect(r.events.filter((e) => e['type'] === 'batch').map((e) => e['hosts'])).toEqual([['k8s01'], ['k8s02'], ['k8s03']]);
  });

  it('evaluates the guard in --check and runs nothing', async () => {
    const r = await run('home-guarded.yml', (s) => writeFileSync(join(s, 'k8s01.journal'), LOCKED), ['--check']);
    expect(r.rc).toBe(2);
    expect(r.actions).toEqual([]);
    expect(r.events.some((e) => e['type'] === 'guard' && e['status'] === 'tripped' && e['host'] === 'k8s01')).toBe(true);
  });
});

describe('run-time quorum limit and self-preemption', () => {
  it('refuses a delegated handler restarting a second quorum member in the same batch', async () => {
    const r = await run('handler-delegation.yml');
    expect(r.actions).toEqual(['k8s01 systemctl restart snap.microk8s.daemon-k8s-dqlite']);
    const h = r.events.find((e) => e['type'] === 'item' && e['item'] === 'k8s02') as Record<string, unknown>;
    expect(h['status']).toBe('failed');
    expect(String(h['error'])).toMatch(/quorum-serial: refusing restart of snap\.microk8s\.daemon-k8s-dqlite on k8s02: k8s01 of quorum group 'k8s' was already disrupted/);
    expect(r.rc).toBe(2);
  });

  it('refuses to reboot the machine tsplay runs on', async () => {
    const r = await run('self-reboot.yml');
    expect(r.actions).toEqual([]);
    const res = r.events.find((e) => e['type'] === 'result') as Record<string, unknown>;
    expect(res['status']).toBe('failed');
    expect(String(res['error'])).toMatch(/self-preemption guard: refusing reboot on 'w1': it is the node tsplay runs on/);
    expect(r.rc).toBe(2);
  });
});
