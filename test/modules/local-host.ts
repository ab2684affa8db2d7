// A real local host for module tests: commands run in /bin/sh inside a scratch directory
// (no mocks), `put` writes the file. Gives probe and apply contexts shaped like the engine's.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { ShellCommand } from '../../engine/connection/command.js';
import type { ExecOptions, ExecResult } from '../../engine/connection/types.js';
import type { ApplyContext, HostWriter, ModuleDef, ModuleResult, Probe, ProbeContext } from '../../engine/module.js';
import { normalizeModuleArgs } from '../../engine/validate/module-args.js';

export interface LocalHost extends HostWriter {
  dir: string;
  /** every command text run, in order */
  log: string[];
  cleanup(): void;
}

// Creates a scratch directory and a host whose commands run there.
export function localHost(): LocalHost {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-mod-'));
  const log: string[] = [];
  const exec = (cmd: ShellCommand, o?: ExecOptions): Promise<ExecResult> =>
    new Promise((resolve) => {
      log.push(cmd.text);
      const child = execFile('/bin/sh', ['-c', cmd.text], { cwd: o?.cwd ?? dir, env: { ...process.env, ...o?.env }, encoding: 'utf8', maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
        const rc = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
        resolve({ rc, stdout, stderr });
      });
      if (o?.stdin !== undefined) child.stdin?.end(o.stdin);
      else child.stdin?.end();
    });
  return {
    dir,
    log,
    query: exec,
    run: exec,
    async put(data, dest, opts) {
      const p = isAbsolute(dest) ? dest : join(dir, dest);
      await writeFile(p, data);
      if (opts?.mode) await chmod(p, Number.parseInt(opts.mode, 8));
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function env(host: LocalHost, checkMode: boolean, searchPaths: string[]) {
  return {
    host: 'local', target: 'local', checkMode, diffMode: true, searchPaths, environment: {}, execDefaults: {},
    signal: new AbortController().signal, progress: () => undefined, hostVar: () => undefined,
  };
}

// Runs a module's probe against the host (read-only access only), the arguments prepared as
// the engine prepares them (aliases renamed, strings coerced, defaults applied); invalid ones throw.
export function probe<A>(mod: ModuleDef<A>, host: LocalHost, args: Record<string, unknown>, opts: { checkMode?: boolean; searchPaths?: string[] } = {}): Promise<Probe> {
  const ctx: ProbeContext = { ...env(host, opts.checkMode ?? false, opts.searchPaths ?? [host.dir]), host_: { query: host.query } };
  if (!mod.probe) throw new Error(`${mod.name} has no probe`);
  const { args: prepared, errors } = normalizeModuleArgs(mod as unknown as ModuleDef, args);
  if (errors.length > 0) throw new Error(errors.map((e) => e.message).join('; '));
  return mod.probe(ctx, prepared as A);
}

// Probes and, like the engine outside check mode, applies when the probe says so.
export async function runModule<A>(mod: ModuleDef<A>, host: LocalHost, args: Record<string, unknown>, opts: { searchPaths?: string[] } = {}): Promise<ModuleResult> {
  const p = await probe(mod, host, args, opts);
  if (p.failed !== undefined) return { ...(p.result ?? {}), changed: false, failed: true, msg: p.failed };
  if (!p.changed || !p.apply) return { changed: p.changed, ...(p.result ?? {}) };
  const actx = { ...env(host, false, opts.searchPaths ?? [host.dir]), host_: host } as unknown as ApplyContext;
  return { changed: true, ...(await p.apply(actx)) };
}
