// apt's whole-system upgrades: `upgrade: safe|yes|full|dist` (Ansible's spellings; safe is
// `apt-get upgrade` allowing new dependencies, full and dist are `apt-get dist-upgrade`), and
// `name: "*"` (or any glob) with state latest, which upgrades the installed packages it matches.
// The plan is apt-get's own simulation (-s), so the check diff lists exactly the packages a real
// run changes; held packages are kept back, as apt-get does.
import { sh, type ShellCommand } from '../../engine/connection/command.js';
import type { ApplyContext, HostReader, ModuleResult, Probe } from '../../engine/module.js';
import { aptEnv, dpkgFlags, type AptGetOptions } from './apt-apply.js';
import { readInstalled } from './apt-state.js';

export type UpgradeMode = 'safe' | 'full' | 'dist';

// The mode an `upgrade` value asks for (undefined: no upgrade), or an error text.
export function upgradeMode(v: unknown): UpgradeMode | undefined | { error: string } {
  if (v === undefined || v === null || v === false || v === '') return undefined;
  const s = String(v).toLowerCase();
  if (['no', 'false', 'off', '0'].includes(s)) return undefined;
  if (['yes', 'true', 'on', '1', 'safe'].includes(s)) return 'safe';
  if (s === 'full' || s === 'dist') return s;
  return { error: `value of upgrade must be one of: dist, full, no, safe, yes, got: ${String(v)}` };
}

// Whether a package name is a glob (`*`, `linux-*`, `?`, `[...]`); a version pin (`kubelet=1.29.*`) is not.
export function isGlob(name: string): boolean {
  return !name.includes('=') && /[*?[]/.test(name);
}

function globRegex(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

// One package a simulation would change.
export interface SimChange {
  name: string;
  before?: string;
  after?: string;
  remove?: boolean;
}

// Parses `apt-get -s` output: `Inst name [old] (new origin [arch])`, `Remv name [old]`, and the kept-back list.
export function parseSimulation(out: string): { changes: SimChange[]; kept: string[] } {
  const changes: SimChange[] = [];
  const kept: string[] = [];
  let inKept = false;
  for (const line of out.split('\n')) {
    const inst = /^Inst (\S+) (?:\[([^\]]+)\] )?\((\S+)/.exec(line);
    const remv = /^Remv (\S+)(?: \[([^\]]+)\])?/.exec(line);
    if (inst) changes.push({ name: inst[1] ?? '', ...(inst[2] ? { before: inst[2] } : {}), after: inst[3] ?? '' });
    else if (remv) changes.push({ name: remv[1] ?? '', ...(remv[2] ? { before: remv[2] } : {}), remove: true });
    if (/^The following packages have been kept back:/.test(line)) inKept = true;
    else if (inKept && /^ {2}\S/.test(line)) kept.push(...line.trim().split(/\s+/));
    else inKept = false;
  }
  return { changes, kept };
}

function upgradeArgs(mode: UpgradeMode): string[] {
  return mode === 'safe' ? ['-o', 'APT::Get::Upgrade-Allow-New=true', 'upgrade'] : ['dist-upgrade'];
}

// The apt-get command of an upgrade (or of the glob's packages), simulated or real.
export function upgradeCommand(mode: UpgradeMode | { packages: string[] }, o: AptGetOptions, simulate: boolean): ShellCommand {
  const flags = [...dpkgFlags(o.dpkgOptions)];
  if (o.autoremove) flags.push('--auto-remove');
  if (o.allowChangeHeld) flags.push('--allow-change-held-packages');
  if (simulate) flags.push('-s');
  if (typeof mode === 'string') return sh`apt-get -y ${flags} ${upgradeArgs(mode)}`;
  return sh`apt-get -y ${flags} --only-upgrade install ${mode.packages}`;
}

// The installed packages a set of names and globs stands for (globs matched against dpkg's list).
export async function expandGlobs(host: HostReader, names: string[]): Promise<string[]> {
  const globs = names.filter(isGlob).map(globRegex);
  const installed = globs.length ? [...(await readInstalled(host, [])).keys()] : [];
  const out = new Set(names.filter((n) => !isGlob(n)));
  for (const p of installed) if (globs.some((g) => g.test(p))) out.add(p);
  return [...out].sort();
}

function rows(changes: SimChange[]): ModuleResult[] {
  return changes.map((c) => ({ name: c.name, before: c.before ?? null, after: c.remove ? null : (c.after ?? null) }));
}

function lines(changes: SimChange[], side: 'before' | 'after'): string {
  return changes.map((c) => `${c.name} ${(side === 'before' ? c.before : c.remove ? undefined : c.after) ?? '(not installed)'}\n`).join('');
}

// The probe of an upgrade: apt-get's simulation; apply runs it for real and reports what changed.
export async function upgradeProbe(host: HostReader, what: UpgradeMode | { packages: string[] }, o: AptGetOptions, base: ModuleResult, update?: (actx: ApplyContext) => Promise<ModuleResult>): Promise<Probe> {
  const label = typeof what === 'string' ? `apt-get ${what === 'safe' ? 'upgrade' : 'dist-upgrade'}` : `upgrade of ${what.packages.length} package(s)`;
  if (typeof what !== 'string' && what.packages.length === 0) return { changed: false, result: { ...base, changed: false, packages: [], msg: 'no installed package matches' } };
  const sim = await host.query(upgradeCommand(what, { ...o, allowChangeHeld: false }, true));
  if (sim.rc !== 0) return { changed: false, failed: `'${upgradeCommand(what, o, true).display}' failed: ${(sim.stderr || sim.stdout).trim()}` };
  const plan = parseSimulation(sim.stdout);
  const kept = plan.kept.length ? { kept_back: plan.kept } : {};
  const held = plan.kept.length ? `, ${plan.kept.length} held back` : '';
  const report = (changes: SimChange[], verb: string) => ({ summary: changes.length ? `${verb} ${changes.length} package(s)${held}` : `nothing to upgrade${held}`, packages: rows(changes), ...kept });
  if (plan.changes.length === 0 && !update) return { changed: false, result: { ...base, changed: false, packages: [], ...kept, msg: `${label}: nothing to upgrade`, _tsplay_report: report([], 'upgraded') } };
  const diff = [{ before_header: `packages (${label})`, after_header: `packages (${label})`, before: lines(plan.changes, 'before'), after: lines(plan.changes, 'after') }];
  const apply = async (actx: ApplyContext): Promise<ModuleResult> => {
    let res: ModuleResult = { ...base };
    if (update) {
      res = await update(actx);
      if (res['failed']) return res;
    }
    const again = parseSimulation((await actx.host_.query(upgradeCommand(what, { ...o, allowChangeHeld: false }, true))).stdout);
    // a cache update alone does not make an upgrade changed (as Ansible's apt upgrade reports it)
    if (again.changes.length === 0) return { ...res, changed: false, packages: [], msg: `${label}: nothing to upgrade`, _tsplay_report: report([], 'upgraded') };
    const cmd = upgradeCommand(what, o, false);
    const r = await actx.host_.run(cmd, aptEnv(actx));
    if (r.rc !== 0) return { ...res, changed: true, failed: true, rc: r.rc, msg: `'${cmd.display}' failed: ${r.stderr.trim()}`, stdout: r.stdout, stderr: r.stderr };
    return { ...res, changed: true, packages: rows(again.changes), ...kept, stdout: r.stdout, stderr: r.stderr, _tsplay_report: report(again.changes, 'upgraded') };
  };
  return { changed: true, result: { ...base, changed: true, packages: rows(plan.changes), ...kept }, checkResult: { ...base, changed: plan.changes.length > 0, packages: rows(plan.changes), ...kept, _tsplay_report: report(plan.changes, 'would upgrade') }, diff, apply };
}
