// apt: install, upgrade, pin, hold or remove Debian packages. The kubeadm/kubelet/kubectl
// unhold → install pinned version → re-hold sequence is one task with a version/hold diff.
// `upgrade: safe|full|dist` and `name: "*"` (globs) upgrade the system (lib/apt-upgrade.ts).
import { sh } from '../engine/connection/command.js';
import { defineModule, type ApplyContext, type ArgsOf, type HostReader, type ModuleResult, type Probe } from '../engine/module.js';
import { aptEnv, applyChanges, dpkgFlags, type AptGetOptions } from './lib/apt-apply.js';
import { isChange, parseSpec, planDiff, planPackages, type PackageChange, type PackageSpec, type Plan, type PlanOptions } from './lib/apt-plan.js';
import { matchesPin } from './lib/apt-version.js';
import { readCacheTime, readHolds, readInstalled, readPolicy } from './lib/apt-state.js';
import { packageRole } from '../engine/cluster/units.js';
import { expandGlobs, isGlob, upgradeMode, upgradeProbe } from './lib/apt-upgrade.js';

// The apt arguments (validation, `tsplay modules apt` and the argument type).
export const schema = {
  type: 'object',
  properties: {
    name: { type: ['string', 'array'], items: { type: 'string' }, aliases: ['pkg', 'package'], description: 'package names, optionally pinned: kubeadm=1.29.1-1.1 or kubeadm=1.29.* (highest matching version); a glob (`*`, `linux-*`) stands for the installed packages it matches (name: "*" with state: latest upgrades them all, held packages kept back)' },
    upgrade: { type: ['string', 'boolean'], description: 'upgrade the system: safe or yes (apt-get upgrade, new dependencies allowed), full or dist (apt-get dist-upgrade), no; held packages are kept back; the diff lists every package it would change' },
    state: { enum: ['present', 'latest', 'absent'], default: 'present', description: 'present: installed (at the pin, if any); latest: at the candidate version; absent: removed' },
    update_cache: { type: 'boolean', default: false, aliases: ['update-cache'], description: 'run apt-get update first' },
    cache_valid_time: { type: 'integer', default: 0, description: 'skip the update when the package lists are younger than this many seconds' },
    allow_downgrade: { type: 'boolean', default: false, description: 'allow a pin to install a lower version than the installed one (--allow-downgrades)' },
    allow_change_held_packages: { type: 'boolean', default: false, description: 'always pass --allow-change-held-packages (it is passed anyway when the task unholds a package)' },
    hold: { type: 'boolean', description: 'true: hold the packages (apt-mark hold); false: unhold them; unset: keep each package\'s hold state across the upgrade' },
    dpkg_options: { type: 'string', default: 'force-confdef,force-confold', description: 'comma-separated dpkg options (-o Dpkg::Options::=--OPTION)' },
    autoremove: { type: 'boolean', default: false, description: 'remove unused dependencies (--auto-remove; without name: apt-get autoremove)' },
    purge: { type: 'boolean', default: false, description: 'with state=absent, purge configuration files too' },
    install_recommends: { type: 'boolean', description: 'install recommended packages (default: the host\'s apt setting)' },
  },
  additionalProperties: false,
} as const;

// The arguments as the module receives them (aliases renamed, defaults applied by the engine).
export type AptArgs = ArgsOf<typeof schema>;

function namesOf(a: AptArgs): string[] {
  const v = a.name;
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : String(v).split(',')).map((s) => String(s).trim()).filter(Boolean);
}

async function readPlan(host: HostReader, specs: PackageSpec[], opts: PlanOptions): Promise<Plan> {
  const names = specs.map((s) => s.name);
  const installed = await readInstalled(host, names);
  const holds = await readHolds(host);
  const needPolicy = opts.state === 'absent' ? [] : specs.filter((s) => {
    const inst = installed.get(s.name);
    return opts.state === 'latest' || !inst || (s.pin !== undefined && !matchesPin(inst.version, s.pin));
  }).map((s) => s.name);
  const policy = needPolicy.length ? await readPolicy(host, needPolicy) : new Map();
  return planPackages(specs, installed, holds, policy, opts);
}

async function autoremoveProbe(ctx: { host_: HostReader }, o: AptGetOptions, base: ModuleResult): Promise<Probe> {
  const r = await ctx.host_.query(sh`apt-get -s autoremove`);
  const gone = r.stdout.split('\n').filter((l) => l.startsWith('Remv ')).map((l) => l.split(' ')[1] ?? '');
  if (r.rc !== 0 || gone.length === 0) return { changed: false, result: { ...base, changed: false } };
  const apply = async (actx: ApplyContext): Promise<ModuleResult> => {
    const res = await actx.host_.run(sh`apt-get -y ${dpkgFlags(o.dpkgOptions)} autoremove${o.purge ? sh` --purge` : sh``}`, aptEnv(actx));
    return res.rc === 0 ? { ...base, changed: true, stdout: res.stdout, stderr: res.stderr } : { ...base, changed: true, failed: true, msg: `apt-get autoremove failed: ${res.stderr.trim()}`, stdout: res.stdout, stderr: res.stderr };
  };
  return { changed: true, result: { ...base, changed: true, autoremoved: gone }, diff: [{ prepared: `autoremove: ${gone.join(' ')}` }], apply };
}

export default defineModule({
  name: 'apt',
  summary: 'Manage Debian packages: pins, wildcard pins, holds (unhold → install → re-hold in one task), cache updates',
  schema,
  freeForm: 'kv',
  checkMode: 'reads dpkg-query, apt-mark showhold and apt-cache policy (an upgrade: apt-get -s); shows the version/hold diff, for an upgrade every package it would change (a missing pin fails here); changes nothing and does not update the cache',
  example: '- apt:\n    name: [kubeadm=1.29.1-1.1]\n    update_cache: true\n    cache_valid_time: 3600',
  // upgrading, pinning or removing a package whose install restarts a cluster component
  disruptive(args) {
    const state = args.state ?? 'present';
    const mode = upgradeMode(args.upgrade);
    if ((mode !== undefined && !(typeof mode === 'object')) || namesOf(args).some(isGlob)) return { kind: 'packages', what: mode !== undefined && typeof mode !== 'object' ? `apt ${mode} upgrade` : 'apt upgrade of matching packages', datastore: false };
    const hit = namesOf(args).find((n) => packageRole(n) !== undefined && (state !== 'present' || n.includes('=')));
    return hit ? { kind: 'packages', what: `apt ${state} ${hit}`, datastore: packageRole(hit) === 'datastore' } : undefined;
  },
  async probe(ctx, args) {
    try {
      return await probeApt(ctx, args);
    } catch (e) {
      return { changed: false, failed: errorText(e) };
    }
  },
});

// The `packages` result: each package's version and hold state before and after.
function packageRows(changes: PackageChange[]): ModuleResult[] {
  return changes.map((c) => ({ name: c.name, before: c.before ?? null, after: c.remove ? null : (c.after ?? c.before ?? null), held_before: c.heldBefore, held_after: c.heldAfter }));
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function probeApt(ctx: { host_: HostReader }, args: AptArgs): Promise<Probe> {
  const state = args.state;
  const o: AptGetOptions = {
    dpkgOptions: args.dpkg_options,
    allowDowngrade: args.allow_downgrade,
    allowChangeHeld: args.allow_change_held_packages,
    autoremove: args.autoremove,
    purge: args.purge,
    installRecommends: args.install_recommends,
  };
  const mode = upgradeMode(args.upgrade);
  if (mode !== undefined && typeof mode === 'object') return { changed: false, failed: mode.error };
  const wantUpdate = args.update_cache;
  let cache = { now: 0, mtime: 0 };
  let needUpdate = false;
  if (wantUpdate) {
    cache = await readCacheTime(ctx.host_);
    const valid = args.cache_valid_time;
    needUpdate = valid <= 0 || cache.now - cache.mtime > valid;
  }
  const base: ModuleResult = { cache_updated: false, cache_update_time: cache.mtime };
  const update = needUpdate ? (actx: ApplyContext) => updateCache(actx, base) : undefined;
  // a system upgrade (Ansible: upgrade wins over name)
  if (mode !== undefined) return upgradeProbe(ctx.host_, mode, o, base, update);
  const names = namesOf(args);
  if (names.some(isGlob)) {
    if (state === 'absent') return { changed: false, failed: `refusing to remove packages by pattern (${names.filter(isGlob).join(', ')}); name them` };
    const holds = await readHolds(ctx.host_);
    const expanded = await expandGlobs(ctx.host_, names.filter((n) => !n.includes('=')));
    const pinned = names.filter((n) => n.includes('='));
    if (state === 'latest' && pinned.length === 0) {
      const probe = await upgradeProbe(ctx.host_, { packages: expanded.filter((n) => !holds.has(n)) }, o, base, update);
      const kept = expanded.filter((n) => holds.has(n));
      if (!kept.length) return probe;
      return { ...probe, ...(probe.result ? { result: { ...probe.result, kept_back: kept } } : {}), ...(probe.checkResult ? { checkResult: { ...probe.checkResult, kept_back: kept } } : {}) };
    }
    names.splice(0, names.length, ...expanded, ...pinned);
  }
  const specs: PackageSpec[] = [];
  for (const n of names) {
    const s = parseSpec(n);
    if (typeof s === 'string') return { changed: false, failed: s };
    specs.push(s);
  }
  const pinned = specs.find((s) => s.pin !== undefined);
  if (state === 'latest' && pinned) return { changed: false, failed: `version number inconsistent with state=latest: ${pinned.name}=${pinned.pin}` };
  if (specs.length === 0) {
    if (!wantUpdate && !o.autoremove) return { changed: false, failed: 'one of name, update_cache or autoremove is required' };
    if (!needUpdate) return o.autoremove ? autoremoveProbe(ctx, o, base) : { changed: false, result: { ...base, changed: false } };
    return { changed: true, result: { ...base, changed: true }, diff: [{ prepared: 'apt-get update' }], apply: async (actx) => updateCache(actx, base) };
  }
  const popts: PlanOptions = { state, hold: args.hold, allowDowngrade: o.allowDowngrade };
  const plan = await readPlan(ctx.host_, specs, popts);
  if (plan.errors.length > 0 || (plan.unavailable.length > 0 && !needUpdate)) return { changed: false, result: base, failed: [...plan.errors, ...plan.unavailable].join('; ') };
  const changed = needUpdate || plan.changes.some(isChange);
  const packages = packageRows(plan.changes);
  const d = planDiff(plan.changes);
  const cacheLine = needUpdate ? { before: `apt cache: ${cache.mtime ? `updated ${cache.now - cache.mtime}s ago` : 'never updated'}\n`, after: 'apt cache: apt-get update\n' } : { before: '', after: '' };
  const diff = [{ before_header: 'packages', after_header: needUpdate ? 'packages (before apt-get update; candidates may change)' : 'packages', before: cacheLine.before + d.before, after: cacheLine.after + d.after }];
  const result: ModuleResult = { ...base, changed, packages };
  if (plan.unavailable.length) result['warnings'] = plan.unavailable.map((u) => `${u} (checked again after apt-get update)`);
  const apply = async (actx: ApplyContext): Promise<ModuleResult> => {
    try {
      return await applyApt(actx);
    } catch (e) {
      return { ...base, changed: true, failed: true, msg: errorText(e) };
    }
  };
  const applyApt = async (actx: ApplyContext): Promise<ModuleResult> => {
    let res: ModuleResult = { ...base };
    let changes = plan.changes;
    if (needUpdate) {
      res = await updateCache(actx, base);
      if (res['failed']) return res;
      const again = await readPlan(actx.host_, specs, popts);
      if (again.errors.length || again.unavailable.length) return { ...res, failed: true, msg: [...again.errors, ...again.unavailable].join('; ') };
      changes = again.changes;
    }
    const after = packageRows(changes);
    if (!changes.some(isChange)) return { ...res, packages: after, changed: needUpdate };
    return { ...res, packages: after, ...(await applyChanges(actx, changes, o)) };
  };
  return { changed, result, diff, apply };
}

// apt-get update; the result's cache_updated/cache_update_time like Ansible's.
async function updateCache(actx: ApplyContext, base: ModuleResult): Promise<ModuleResult> {
  const r = await actx.host_.run(sh`apt-get update`, aptEnv(actx));
  if (r.rc !== 0) return { ...base, changed: false, failed: true, msg: `Failed to update apt cache: ${(r.stderr || r.stdout).trim()}`, stdout: r.stdout, stderr: r.stderr };
  const t = await readCacheTime(actx.host_);
  return { ...base, changed: true, cache_updated: true, cache_update_time: t.mtime };
}
