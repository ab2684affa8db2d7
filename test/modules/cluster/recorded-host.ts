// A host that answers commands from recorded outputs (module tests as data): `query` and `run`
// look up the first unused recording whose regex matches the command text, and every command is
// logged, so a fixture states exactly which commands a task sends. Runs a module like the engine.
import { readFileSync } from 'node:fs';
import type { ShellCommand } from '../../../engine/connection/command.js';
import type { ExecOptions, ExecResult } from '../../../engine/connection/types.js';
import type { ApplyContext, DiffEntry, HostWriter, ModuleDef, ModuleResult, ProbeContext } from '../../../engine/module.js';
import { normalizeModuleArgs } from '../../../engine/validate/module-args.js';

// One recorded command output.
export interface Recording {
  match: string;
  rc?: number;
  stdout?: string;
  stderr?: string;
}

// One case: arguments, recorded outputs, and what must happen.
export interface ModuleCase {
  name: string;
  args: Record<string, unknown>;
  check?: boolean;
  vars?: Record<string, unknown>;
  probe: Recording[];
  apply?: Recording[];
  expect: {
    changed: boolean;
    failed?: boolean;
    msg?: string;
    diff?: DiffEntry[];
    commands: string[];
    result?: Record<string, unknown>;
    progress?: string[];
  };
}

// The recorded host and what it saw.
export interface RecordedHost extends HostWriter {
  /** commands in order: queries as their text, runs prefixed `run: ` (with `VAR=value ` for env) */
  log: string[];
  runs: number;
}

function answer(list: Recording[], used: Set<Recording>, text: string, strict: boolean): ExecResult {
  const hits = list.filter((r) => new RegExp(r.match).test(text));
  const hit = hits.find((r) => !used.has(r)) ?? hits[hits.length - 1];
  if (!hit) {
    if (strict) throw new Error(`no recording matches: ${text}`);
    return { rc: 0, stdout: '', stderr: '' };
  }
  used.add(hit);
  return { rc: hit.rc ?? 0, stdout: hit.stdout ?? '', stderr: hit.stderr ?? '' };
}

function envPrefix(o?: ExecOptions): string {
  return Object.entries(o?.env ?? {}).map(([k, v]) => `${k}=${v} `).join('');
}

// A host answering queries from `probe` (strictly) and runs from `apply` (unmatched runs succeed silently).
export function recordedHost(probe: Recording[], apply: Recording[] = []): RecordedHost {
  const used = new Set<Recording>();
  const host: RecordedHost = {
    log: [],
    runs: 0,
    async query(cmd: ShellCommand, o?: ExecOptions) {
      host.log.push(envPrefix(o) + cmd.text);
      return answer(probe, used, cmd.text, true);
    },
    async run(cmd: ShellCommand, o?: ExecOptions) {
      host.runs++;
      host.log.push(`run: ${envPrefix(o)}${cmd.text}`);
      return answer([...apply, ...probe], used, cmd.text, false);
    },
    async put() {
      throw new Error('put is not expected');
    },
  };
  return host;
}

function env(checkMode: boolean, vars: Record<string, unknown>, progress: string[], onProgress?: (m: string) => void) {
  return {
    host: 'k8s01', target: 'k8s01', checkMode, diffMode: true, searchPaths: [], environment: {}, execDefaults: {},
    signal: new AbortController().signal, progress: (m: string) => {
      progress.push(m);
      onProgress?.(m);
    }, hostVar: (n: string) => vars[n],
  };
}

// Prepares the arguments, probes, then (outside check mode, when changed) applies, shaping the
// result like engine/run/action.ts.
export async function runRecorded<A>(mod: ModuleDef<A>, host: RecordedHost, args: Record<string, unknown>, opts: { check?: boolean; vars?: Record<string, unknown>; onProgress?: (m: string) => void } = {}): Promise<{ result: ModuleResult; progress: string[] }> {
  const progress: string[] = [];
  const e = env(opts.check ?? false, opts.vars ?? {}, progress, opts.onProgress);
  if (!mod.probe) throw new Error(`${mod.name} has no probe`);
  const prepared = normalizeModuleArgs(mod as unknown as ModuleDef, args);
  if (prepared.errors.length > 0) return { result: { failed: true, changed: false, msg: prepared.errors.map((x) => x.message).join('; ') }, progress };
  const reader = { query: host.query.bind(host) };
  const p = await mod.probe({ ...e, host_: reader } as ProbeContext, prepared.args as A);
  const withDiff = (r: ModuleResult, changed: boolean) => (p.diff?.length && changed ? { ...r, diff: p.diff } : r);
  let result: ModuleResult;
  if (p.failed !== undefined) result = { ...(p.result ?? {}), changed: false, failed: true, msg: p.failed };
  else if (!p.changed) result = withDiff({ changed: false, ...(p.result ?? {}) }, false);
  else if (opts.check) result = withDiff(p.checkResult ?? { ...(p.result ?? {}), changed: true }, true);
  else if (!p.apply) result = withDiff({ ...(p.result ?? {}), changed: true }, true);
  else {
    const res = await p.apply({ ...e, host_: host } as unknown as ApplyContext);
    result = withDiff({ changed: true, ...res }, res['changed'] !== false);
  }
  return { result, progress };
}

// Loads a JSON list of cases next to the tests.
export function loadCases(url: URL): ModuleCase[] {
  return JSON.parse(readFileSync(url, 'utf8')) as ModuleCase[];
}
