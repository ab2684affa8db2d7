// `--check --diff` on a play that uses every module against one lab node: each mutating module
// reports what it would do (with a diff where it has one), and nothing changes — the node's files,
// its units, sandboxes and boot id, its packages, and the cluster's nodes and pods are the same after.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, ROOT } from '../e2e/cli.js';
import { PlaybookLab } from './lab.js';

const PLAYBOOK = join(ROOT, 'test', 'playbooks', 'fixtures', 'every-module', 'every-module.yml');
let lab: PlaybookLab;
let nodeRoot = '';

// Every path under dir with its type, mode, size and content hash.
function tree(dir: string, out: string[] = [], rel = ''): string[] {
  for (const e of readdirSync(join(dir, rel)).sort()) {
    const p = join(rel, e);
    const st = lstatSync(join(dir, p));
    if (st.isDirectory()) {
      out.push(`${p}/ ${st.mode.toString(8)}`);
      tree(dir, out, p);
    } else out.push(`${p} ${st.mode.toString(8)} ${st.size} ${st.isFile() ? createHash('sha256').update(readFileSync(join(dir, p))).digest('hex').slice(0, 16) : 'link'}`);
  }
  return out;
}

async function clusterState(): Promise<string> {
  const r = await lab.cli(['run', join(ROOT, 'test', 'playbooks', 'fixtures', 'read-cluster.yml'), '--output', 'json']);
  const results = r.stdout.split('\n').filter((l) => l.includes('"type":"result"')).map((l) => JSON.parse(l) as { result?: { resources?: { metadata: { name: string; annotations?: Record<string, string> }; spec?: { unschedulable?: boolean; template?: unknown } }[] } });
  return JSON.stringify(results.map((x) => (x.result?.resources ?? []).map((o) => [o.metadata.name, o.spec?.unschedulable ?? false, JSON.stringify(o.spec?.template ?? null)])));
}

beforeAll(async () => {
  assertBuilt();
  lab = await PlaybookLab.up('dqlite');
  const host = await lab.cli(['inventory', '--host', 'k8s02']);
  nodeRoot = (JSON.parse(host.stdout) as { tsplay_node_root: string }).tsplay_node_root;
});
afterAll(async () => {
  await lab?.down();
});

describe('--check --diff with every module', { timeout: 120_000 }, () => {
  it('reports each change with its diff and changes nothing', async () => {
    const files = tree(nodeRoot);
    const status = await lab.status();
    const cluster = await clusterState();
    const r = await lab.cli(['run', PLAYBOOK, '--check', '--diff']);
    expect(r.stderr).not.toMatch(/ERROR|Traceback/);
    expect(r.rc).toBe(0);
    // every task banner of a module that changes something is followed by its diff
    const blocks = r.stdout.split(/\nTASK \[/).slice(1).map((b) => ({ name: b.slice(0, b.indexOf(']')), body: b }));
    const withDiff = ['copy', 'template', 'file', 'lineinfile', 'blockinfile', 'replace', 'apt', 'systemd', 'crictl', 'kubectl', 'included file task', 'flag : role file task'];
    for (const name of withDiff) {
      const mine = blocks.filter((b) => b.name === name);
      expect(mine.length, name).toBeGreaterThan(0);
      for (const b of mine) {
        expect(b.body, name).toContain('--- before');
        expect(b.body, name).toContain('changed: [k8s02]');
      }
    }
    expect(blocks.filter((b) => b.name === 'kubectl')).toHaveLength(4);
    // modules without check-mode support are skipped, as in Ansible; the commands say what a real run would run
    for (const name of ['command', 'shell', 'raw', 'script']) expect(blocks.find((b) => b.name === name)?.body, name).toMatch(/would run: \[k8s02\] => .+ \(not run in check mode\)/);
    expect(blocks.find((b) => b.name === 'tempfile')?.body).toContain('skipping: [k8s02]');
    expect(r.stdout).toContain('and would run these commands, which check mode does not run:');
    expect(blocks.find((b) => b.name === 'reboot')?.body).toContain('changed: [k8s02]');
    expect(r.stdout).toContain('CHECK SUMMARY (check mode: nothing was changed)');
    expect(r.stdout).toContain('kubectl (x4)');

    expect(tree(nodeRoot)).toEqual(files);
    const after = await lab.status();
    expect(after.nodes).toEqual(status.nodes);
    expect(await clusterState()).toBe(cluster);
  });
});
