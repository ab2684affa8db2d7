// The container image's smoke test, run as a plain process (these machines have no container
// runtime): the final stage of the Dockerfile is laid out in a directory as the image would hold it
// (its COPY lines, node_modules with production dependencies only), and its ENTRYPOINT is run as
// an unprivileged user from the image's working directory: --version, the module list, a playbook
// validated, and a real local run that writes its journal.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, assertBuilt } from '../e2e/cli.js';
import { makeNode, makeSelfSignedCert, startKubeApi } from '../../lab/kube/index.js';

interface Stage {
  copies: { from?: string; src: string[]; dest: string }[];
  user?: string;
  workdir: string;
  entrypoint: string[];
}

// The final stage of a Dockerfile: what it copies, its user, working directory and entrypoint.
function finalStage(text: string): Stage {
  const lines = text.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
  const last = lines.map((l, i) => (/^FROM\b/i.test(l) ? i : -1)).filter((i) => i >= 0).at(-1) ?? 0;
  const stage: Stage = { copies: [], workdir: '/', entrypoint: [] };
  for (const l of lines.slice(last + 1)) {
    const [word, ...rest] = l.trim().split(/\s+/);
    const args = rest.filter((a) => !a.startsWith('--') || a.startsWith('--from='));
    if (/^COPY$/i.test(word ?? '')) {
      const from = rest.find((a) => a.startsWith('--from='))?.slice(7);
      const paths = args.filter((a) => !a.startsWith('--'));
      stage.copies.push({ ...(from ? { from } : {}), src: paths.slice(0, -1), dest: paths.at(-1) as string });
    } else if (/^USER$/i.test(word ?? '')) stage.user = rest[0] as string;
    else if (/^WORKDIR$/i.test(word ?? '')) stage.workdir = rest[0] as string;
    else if (/^ENTRYPOINT$/i.test(word ?? '')) stage.entrypoint = JSON.parse(rest.join(' ')) as string[];
  }
  return stage;
}

let image = '';
let stage: Stage;

// Where a path of the image is in the test's copy.
const inImage = (p: string) => join(image, p);

beforeAll(() => {
  assertBuilt();
  stage = finalStage(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
  image = mkdtempSync(join(tmpdir(), 'tsplay-image-'));
  chmodSync(image, 0o755);
  const prod = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').slice(1);
  for (const c of stage.copies) {
    const destDir = c.dest.startsWith('/') ? c.dest : join('/app', c.dest);
    for (const src of c.src) {
      // the build stage's /src is this checkout after `npm ci` (dist built, dev dependencies pruned)
      const local = c.from ? relative('/src', src) : src;
      const dest = c.src.length > 1 || destDir.endsWith('/') ? join(destDir, local.split('/').pop() as string) : destDir;
      if (local === 'node_modules') {
        for (const p of prod) cpSync(p, inImage(join(dest, relative(join(ROOT, 'node_modules'), p))), { recursive: true, dereference: true });
      } else cpSync(join(ROOT, local), inImage(dest), { recursive: true });
    }
  }
  mkdirSync(inImage(stage.workdir), { recursive: true });
  chmodSync(inImage(stage.workdir), 0o777);
});
afterAll(() => rmSync(image, { recursive: true, force: true }));

// Runs the image's entrypoint with args, as the image's unprivileged user (nobody here) when root.
function run(args: string[], env: Record<string, string> = {}): { rc: number | null; out: string } {
  const { bin, argv, opts } = command(args, env);
  const r = spawnSync(bin, argv, { ...opts, encoding: 'utf8', timeout: 60_000 });
  return { rc: r.status, out: `${r.stdout}${r.stderr}` };
}

// The same without blocking this process (whose simulated API must answer meanwhile).
function runAsync(args: string[], env: Record<string, string> = {}): Promise<{ rc: number | null; out: string }> {
  const { bin, argv, opts } = command(args, env);
  return new Promise((resolve) => {
    const child = spawn(bin, argv, opts);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (rc) => resolve({ rc, out }));
  });
}

// How the image's entrypoint is started here: as its unprivileged user, from its working directory.
function command(args: string[], env: Record<string, string>): { bin: string; argv: string[]; opts: { cwd: string; env: NodeJS.ProcessEnv } } {
  const [cmd, ...pre] = stage.entrypoint;
  const argv = [...pre.map((a) => (a.startsWith('/') ? inImage(a) : a)), ...args];
  const asUser = process.getuid?.() === 0 && existsSync('/usr/bin/setpriv') ? ['/usr/bin/setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', cmd as string] : [cmd as string];
  const bin = asUser[0] === cmd ? process.execPath : (asUser[0] as string);
  return { bin, argv: [...asUser.slice(1).map((a) => (a === 'node' ? process.execPath : a)), ...argv], opts: { cwd: inImage(stage.workdir), env: { PATH: '/usr/bin:/bin', HOME: inImage(stage.workdir), CI: '1', ...env } } };
}

describe('the container image', () => {
  it('runs as a non-root user with the CLI as its entrypoint', () => {
    expect(stage.user).toBe('node');
    expect(stage.entrypoint).toEqual(['node', '/app/dist/engine/cli/main.js']);
  });

  it('starts with production dependencies only', () => {
    const v = run(['--version']);
    expect(v.rc, v.out).toBe(0);
    expect(v.out).toMatch(/^tsplay \d+\.\d+\.\d+/);
    const m = run(['modules']);
    expect(m.rc, m.out).toBe(0);
    expect(m.out).toMatch(/^kubectl\s/m);
  });

  it('validates the shipped playbooks and runs a local playbook, writing its journal', () => {
    const val = run(['validate', inImage('/app/playbooks/k8s-reboot.yml'), '-i', inImage('/app/inventory/pvek8s.yml')]);
    expect(val.rc, val.out).toBe(0);
    writeFileSync(inImage(join(stage.workdir, 'local.yml')), '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - command: id -un\n      register: who\n    - debug: var=who.stdout\n');
    writeFileSync(inImage(join(stage.workdir, 'hosts.ini')), 'localhost ansible_connection=local\n');
    const r = run(['run', 'local.yml', '-i', 'hosts.ini']);
    expect(r.rc, r.out).toBe(0);
    if (process.getuid?.() === 0) expect(r.out).toContain('"who.stdout": "nobody"');
    expect(existsSync(inImage(join(stage.workdir, '.tsplay', 'runs')))).toBe(true);
  });

  it('in a runner Pod: reads the Nodes through the mounted service account (tsplay.cluster) and prints its install', async () => {
    const tls = makeSelfSignedCert();
    const api = await startKubeApi({ token: 'sa-token', tls });
    try {
      api.store.add(makeNode('n1', { addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] }));
      // the Pod's mounts: the service account (TSPLAY_SA_DIR stands for /var/run/secrets/...) and the install's ConfigMap
      const sa = inImage('/var/run/secrets/kubernetes.io/serviceaccount');
      mkdirSync(sa, { recursive: true });
      writeFileSync(join(sa, 'token'), 'sa-token');
      writeFileSync(join(sa, 'ca.crt'), tls.cert);
      writeFileSync(join(sa, 'namespace'), 'tsplay');
      chmodSync(inImage('/var'), 0o755);
      const config = inImage('/etc/tsplay/config');
      mkdirSync(config, { recursive: true });
      const dry = run(['cluster', 'install', '--dry-run', '-o', 'json']);
      expect(dry.rc, dry.out).toBe(0);
      const objs = (JSON.parse(dry.out) as { items: { kind: string; data?: Record<string, string>; spec?: any }[] }).items;
      expect(objs.find((o) => o.kind === 'CronJob')?.spec.jobTemplate.spec.template.spec.containers[0].args[2]).toBe('/app/playbooks/k8s-reboot.yml');
      expect(existsSync(inImage('/app/playbooks/k8s-reboot.yml'))).toBe(true);
      writeFileSync(join(config, 'inventory.tsplay.cluster.yml'), objs.find((o) => o.kind === 'ConfigMap')?.data?.['inventory.tsplay.cluster.yml'] ?? '');
      const env = { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: new URL(api.url).port, TSPLAY_SA_DIR: sa };
      const inv = await runAsync(['inventory', '-i', join(config, 'inventory.tsplay.cluster.yml'), '--list'], env);
      expect(inv.rc, inv.out).toBe(0);
      expect(JSON.parse(inv.out)._meta.hostvars.n1).toMatchObject({ ansible_host: '10.0.0.1', ansible_ssh_private_key_file: '/etc/tsplay/ssh/ssh-privatekey', tsplay_kubeconfig: sa });
    } finally {
      await api.close();
    }
  });
});
