// The reboot and wait_for_connection modules over real sshd: the "reboot" is a script that
// kills the sshd and its sessions, writes a new fake boot id and restarts the sshd later.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sh } from '../../engine/connection/command.js';
import { ConnectionPool, connectionSpec, registerTransport } from '../../engine/connection/pool.js';
import { createSshConnection } from '../../engine/connection/ssh.js';
import type { Connection, ConnectionSpec } from '../../engine/connection/types.js';
import type { ApplyContext, ModuleDef, ModuleResult, ProbeContext } from '../../engine/module.js';
import { normalizeModuleArgs } from '../../engine/validate/module-args.js';
import reboot from '../../modules/reboot.js';
import waitForConnection from '../../modules/wait-for-connection.js';
import { FAKE_REBOOT, haveSshd, removeSshdDirs, startSshd, stopAllSshd, type Sshd } from '../helpers/sshd.js';
import { hostVars, trustFile } from '../helpers/ssh-conn.js';

const suite = haveSshd ? describe : describe.skip;
registerTransport('ssh', createSshConnection);

// Runs a module the way engine/run/action.ts does: arguments normalized (aliases, defaults), probe,
// then apply (unless check mode).
async function runModule(mod: ModuleDef, pool: ConnectionPool, spec: ConnectionSpec, given: Record<string, unknown>, check = false) {
  const { args, errors } = normalizeModuleArgs(mod, given);
  expect(errors).toEqual([]);
  const progress: string[] = [];
  const ac = new AbortController();
  let conn: Connection = pool.get(spec);
  const env = {
    host: spec.name, target: spec.name, checkMode: check, diffMode: false, searchPaths: [], environment: {}, execDefaults: {}, signal: ac.signal,
    progress: (m: string) => void progress.push(m), hostVar: () => undefined,
  };
  const reader = { query: (c: Parameters<Connection['exec']>[0], o?: object) => conn.exec(c, { ...o, signal: ac.signal }) };
  const probe = await (mod.probe as NonNullable<ModuleDef['probe']>)({ ...env, host_: reader } as ProbeContext, args);
  if (check) return { result: probe.checkResult ?? { changed: probe.changed }, progress };
  const apply: ApplyContext = {
    ...env,
    host_: { ...reader, run: reader.query, put: (d, p, o) => conn.put(d, p, o) },
    connection: conn,
    reconnect: async () => {
      await pool.reset(spec);
      conn = pool.get(spec);
      apply.connection = conn;
      return conn;
    },
  };
  const result: ModuleResult = await (probe.apply as NonNullable<typeof probe.apply>)(apply);
  return { result, progress };
}

suite('reboot and wait_for_connection modules', () => {
  let server: Sshd;
  let spec: ConnectionSpec;
  let bootFile: string;
  const pool = new ConnectionPool();
  const fakeReboot = (downMs: number) => `${process.execPath} ${FAKE_REBOOT} ${server.config} ${server.pidFile} ${bootFile} ${downMs}`;

  beforeAll(async () => {
    server = await startSshd();
    bootFile = join(server.dir, 'boot_id');
    writeFileSync(bootFile, `${randomUUID()}\n`);
    spec = connectionSpec('rebooter', await hostVars(server, { knownHosts: trustFile([server]) }));
  });
  afterAll(async () => {
    await pool.closeAll();
    await stopAllSshd();
    removeSshdDirs();
  });

  it('reports changed in check mode without rebooting', async () => {
    const before = readFileSync(bootFile, 'utf8');
    const { result } = await runModule(reboot as ModuleDef, pool, spec, { reboot_command: fakeReboot(100) }, true);
    // the boot id it would reboot from is read (boot_time_command), nothing else runs
    const bootId = String((result as Record<string, unknown>)['boot_id_before']);
    expect(bootId).toMatch(/^\S+$/);
    expect(result).toEqual({ changed: true, elapsed: 0, rebooted: true, boot_id_before: bootId, _tsplay_report: { summary: `would reboot (boot ${bootId.slice(0, 8)})`, boot_id_before: bootId } });
    expect(readFileSync(bootFile, 'utf8')).toBe(before);
  });

  it('reboots, waits for the new boot id and runs the test command', async () => {
    const before = readFileSync(bootFile, 'utf8');
    const firstPid = server.listenerPid();
    const { result, progress } = await runModule(reboot as ModuleDef, pool, spec, {
      reboot_command: fakeReboot(1500), boot_time_command: `cat ${bootFile}`, test_command: 'test -f /etc/hostname', reboot_timeout: 60, connect_timeout: 3,
    });
    expect(result).toMatchObject({ changed: true, rebooted: true });
    expect(result['failed']).toBeUndefined();
    expect(readFileSync(bootFile, 'utf8')).not.toBe(before);
    expect(server.listenerPid()).not.toBe(firstPid);
    expect(progress.some((p) => /^down \d+s, waiting for boot$/.test(p))).toBe(true);
    expect((await pool.get(spec).exec(sh`echo still-here`)).stdout).toBe('still-here\n');
  }, 90_000);

  it('fails after reboot_timeout when the boot id never changes', async () => {
    const { result } = await runModule(reboot as ModuleDef, pool, spec, { reboot_command: 'true', boot_time_command: `cat ${bootFile}`, reboot_timeout: 2, connect_timeout: 1 });
    expect(result).toMatchObject({ failed: true, rebooted: true });
    expect(String(result['msg'])).toMatch(/^Timed out waiting for last boot time check \(timeout=2\)/);
  }, 30_000);

  it('wait_for_connection waits for a host that is down for a while', async () => {
    await pool.get(spec).exec(sh`${process.execPath} ${FAKE_REBOOT} ${server.config} ${server.pidFile} ${bootFile} 1500`);
    await new Promise((r) => setTimeout(r, 600));
    const { result } = await runModule(waitForConnection as ModuleDef, pool, spec, { timeout: 30, connect_timeout: 2, sleep: 1 });
    expect(result).toMatchObject({ changed: false });
    expect(Number(result['elapsed'])).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('wait_for_connection times out on a host that stays down', async () => {
    const down = connectionSpec('down', { ansible_host: '127.0.0.1', ansible_port: 1, ansible_ssh_common_args: '-o StrictHostKeyChecking=no' });
    const t0 = Date.now();
    const { result } = await runModule(waitForConnection as ModuleDef, pool, down, { timeout: 2, connect_timeout: 1, sleep: 1 });
    expect(result).toMatchObject({ failed: true, changed: false });
    expect(String(result['msg'])).toContain('timed out waiting for ping module test: Failed to connect to the host via ssh: ssh: connect to host 127.0.0.1 port 1: Connection refused');
    expect(Date.now() - t0).toBeLessThan(10_000);
  }, 30_000);
});
