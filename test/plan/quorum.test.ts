// tsplay_quorum as inventories write it: Ansible's booleans as strings too (an INI inventory gives
// "yes", "true", "on", "1"), and the mapping form; a negative or absurd max_unavailable, an unknown
// key or any other value is a validation error at the group's file:line, never a silent default.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuorumDecl } from '../../engine/plan/quorum.js';
import { runInProcess as runCli } from '../helpers/in-process.js';

describe('parseQuorumDecl', () => {
  it.each([true, 1, 'true', 'True', 'yes', 'on', '1', ' y '])('%j turns the group into a quorum group', (v) => {
    expect(parseQuorumDecl(v)).toEqual({ kind: 'on' });
  });
  it.each([false, 0, 'false', 'no', 'off', '0'])('%j opts out', (v) => {
    expect(parseQuorumDecl(v)).toEqual({ kind: 'off' });
  });
  it('reads the mapping form, numbers given as strings included', () => {
    expect(parseQuorumDecl({ datastore: 'etcd', max_unavailable: '2' })).toEqual({ kind: 'decl', datastore: 'etcd', maxUnavailable: 2 });
    expect(parseQuorumDecl({ max_unavailable: 0 })).toEqual({ kind: 'decl', maxUnavailable: 0 });
  });
  it.each([
    [{ max_unavailable: -1 }, /integer from 0 to 100, got -1/],
    [{ max_unavailable: '-1' }, /integer from 0 to 100/],
    [{ max_unavailable: 1e308 }, /integer from 0 to 100/],
    [{ max_unavailable: 1.5 }, /integer from 0 to 100/],
    [{ max_unavailble: 1 }, /unknown key max_unavailble/],
    [{ datastore: 'mysql' }, /datastore must be dqlite or etcd/],
    ['maybe', /must be a boolean or \{datastore, max_unavailable\}/],
    [[1], /must be a boolean/],
    [2, /must be a boolean/],
  ])('%j is an error', (v, msg) => {
    const d = parseQuorumDecl(v);
    expect(d.kind).toBe('error');
    expect(d.kind === 'error' && d.message).toMatch(msg);
  });
});

describe('tsplay validate with tsplay_quorum from an INI inventory', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-quorum-'));
    writeFileSync(join(dir, 'pb.yml'), '- hosts: db\n  gather_facts: false\n  become: true\n  tasks:\n    - systemd: {name: etcd, state: restarted}\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const validate = async (vars: string) => {
    writeFileSync(join(dir, 'hosts.ini'), `# a group of voters\n[db]\ndb1\ndb2\ndb3\n\n[db:vars]\nansible_connection=local\n${vars}\n`);
    return runCli(['validate', 'pb.yml', '-i', 'hosts.ini'], { cwd: dir });
  };

  it.each(['tsplay_quorum=yes', 'tsplay_quorum=true', 'tsplay_quorum=on', 'tsplay_quorum=1', "tsplay_quorum='true'"])('%s: a quorum group (the play needs serial)', async (v) => {
    const r = await validate(v);
    expect(r.rc).toBe(4);
    expect(r.stderr).toMatch(/pb\.yml:1:3: error\[quorum-serial\]: play 'db' would run 3 members of quorum group 'db' at once/);
  });

  it.each([
    ['tsplay_quorum={"max_unavailable": -1}', /integer from 0 to 100, got -1/],
    ['tsplay_quorum={"max_unavailable": 1e308}', /integer from 0 to 100/],
    ['tsplay_quorum={"max_unavailble": 1}', /unknown key max_unavailble/],
    ['tsplay_quorum=perhaps', /must be a boolean/],
  ])('%s: an error at the group', async (v, msg) => {
    const r = await validate(v);
    expect(r.rc).toBe(4);
    expect(r.stderr).toMatch(/hosts\.ini:2:1: error\[inventory\]: group 'db': tsplay_quorum/);
    expect(r.stderr).toMatch(msg);
  });

  it('tsplay_quorum=false opts the group out', async () => {
    expect((await validate('tsplay_quorum=no')).rc).toBe(0);
  });
});
