// The simulated `apt-get` (and `apt`): update, install PKG[=VER], remove/purge, upgrade/dist-upgrade,
// autoremove, with apt's messages for held packages, downgrades, unknown packages and versions.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { restartUnit, stopUnit } from '../lifecycle.js';
import type { AptPackage, NodeSim } from '../node.js';
import type { LabSim } from '../sim.js';
import type { ToolResult } from '../types.js';
import { compareDebVersions, repoUrl } from '../versions.js';
import { available, candidate, knownPackage, matchVersions, readSourceMinors, upgradable } from './apt-repo.js';
import { fail, has, ok, parseOpts, type OptSpec, type ToolFn } from './util.js';

const SPECS: OptSpec[] = [
  { key: 'y', short: 'y', long: ['yes', 'assume-yes'] }, { key: 'q', short: 'q', long: ['quiet'] }, { key: 's', short: 's', long: ['simulate', 'dry-run', 'just-print', 'no-act', 'recon'] },
  { key: 'down', long: ['allow-downgrades'] }, { key: 'held', long: ['allow-change-held-packages'] }, { key: 'norec', long: ['no-install-recommends'] },
  { key: 'only', long: ['only-upgrade'] }, { key: 'reinstall', long: ['reinstall'] }, { key: 'o', short: 'o', long: ['option'], arg: true }, { key: 'f', short: 'f', long: ['fix-broken'] },
  { key: 'purge', long: ['purge'] }, { key: 'autoremove', long: ['auto-remove', 'autoremove'] }, { key: 'V', short: 'V', long: ['verbose-versions'] },
  { key: 'unauth', long: ['allow-unauthenticated'] }, { key: 'd', short: 'd', long: ['download-only'] }, { key: 'force-yes', long: ['force-yes'] }, { key: 'recs', long: ['install-recommends'] },
];

const HEAD = 'Reading package lists...\nBuilding dependency tree...\nReading state information...\n';
const NOT_ROOT = 'E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?';

interface Change { name: string; from?: string; to?: string; kind: 'upgrade' | 'downgrade' | 'install' | 'remove' | 'same'; held: boolean }

function indentList(names: string[]): string {
  return `  ${names.sort().join(' ')}\n`;
}

function update(node: NodeSim, root: boolean): ToolResult {
  if (!root) return fail(100, 'Reading package lists...\nE: Could not open lock file /var/lib/apt/lists/lock - open (13: Permission denied)\nE: Unable to lock directory /var/lib/apt/lists/');
  const { minors, unknown } = readSourceMinors(node);
  const lines = ['Hit:1 http://archive.ubuntu.com/ubuntu noble InRelease', 'Hit:2 http://archive.ubuntu.com/ubuntu noble-updates InRelease', 'Hit:3 http://security.ubuntu.com/ubuntu noble-security InRelease'];
  minors.forEach((m, i) => lines.push(`Hit:${i + 4} ${repoUrl(m).replace('https://pkgs.k8s.io', 'https://prod-cdn.packages.k8s.io/repositories/isv:/kubernetes')}  InRelease`));
  if (unknown.length) {
    const errs = unknown.map((m) => `E: Failed to fetch ${repoUrl(m)}/InRelease  403  Forbidden [IP: 3.167.227.16 443]`);
    return { stdout: `${lines.join('\n')}\nReading package lists...\n`, stderr: `${errs.join('\n')}\nE: Some index files failed to download. They have been ignored, or old ones used instead.\n`, rc: 100 };
  }
  node.aptMinors = minors;
  return ok(`${lines.join('\n')}\nReading package lists...\n`);
}

function plan(node: NodeSim, verb: string, specs: string[]): Change[] | string {
  const changes: Change[] = [];
  for (const spec of specs) {
    const [name = '', version] = spec.split('=') as [string, string | undefined];
    const pkg = node.packages.get(name);
    if (!knownPackage(node, name)) return `E: Unable to locate package ${name}`;
    if (verb === 'remove' || verb === 'purge') {
      changes.push({ name, ...(pkg?.installed ? { from: pkg.installed } : {}), kind: pkg?.installed ? 'remove' : 'same', held: pkg?.held ?? false });
      continue;
    }
    let to = candidate(node, name);
    if (version !== undefined) {
      const hits = matchVersions(node, name, version);
      if (!hits.length) return `E: Version '${version}' for '${name}' was not found`;
      to = hits[0];
    }
    if (!to) return `E: Package '${name}' has no installation candidate`;
    const from = pkg?.installed;
    const cmp = from === undefined ? 1 : compareDebVersions(to, from);
    const kind = from === undefined ? 'install' : cmp > 0 ? 'upgrade' : cmp < 0 ? 'downgrade' : 'same';
    changes.push({ name, ...(from ? { from } : {}), to, kind, held: pkg?.held ?? false });
  }
  return changes;
}

function apply(sim: LabSim, node: NodeSim, c: Change, purge: boolean, allowHeld: boolean): string {
  let pkg = node.packages.get(c.name);
  if (c.kind === 'remove') {
    if (pkg && c.name === 'kubelet') {
      const k = sim.unit(node, 'kubelet');
      if (k) stopUnit(sim, node, k);
    }
    if (purge) node.packages.delete(c.name);
    else if (pkg) {
      delete pkg.installed;
      pkg.configOnly = true;
      pkg.held = false;
    }
    return `Removing ${c.name} (${c.from ?? ''}) ...\n`;
  }
  if (!pkg) node.packages.set(c.name, (pkg = { name: c.name, held: false } as AptPackage));
  pkg.installed = c.to as string;
  delete pkg.configOnly;
  if (c.held && allowHeld) pkg.held = false;
  if (c.name === 'linux-image-generic') {
    node.rebootRequired = true;
    mkdirSync(join(node.dir, 'var/run'), { recursive: true });
    writeFileSync(join(node.dir, 'var/run/reboot-required'), '*** System restart required ***\n');
  }
  const unit = c.name === 'kubelet' ? sim.unit(node, 'kubelet') : c.name === 'containerd' ? sim.unit(node, 'runtime') : undefined;
  if (unit && unit.active === 'active') restartUnit(sim, node, unit);
  const unpack = c.from ? `Preparing to unpack .../${c.name}_${c.to}_amd64.deb ...\nUnpacking ${c.name} (${c.to}) over (${c.from}) ...\n` : `Selecting previously unselected package ${c.name}.\nUnpacking ${c.name} (${c.to}) ...\n`;
  return `${unpack}Setting up ${c.name} (${c.to}) ...\n`;
}

function summary(node: NodeSim, changes: Change[], requested: Set<string>): string {
  const n = (k: Change['kind']) => changes.filter((c) => c.kind === k).length;
  const notUpgraded = upgradable(node).filter((p) => !requested.has(p.name)).length;
  const down = n('downgrade');
  return `${n('upgrade')} upgraded, ${n('install')} newly installed, ${down ? `${down} downgraded, ` : ''}${n('remove')} to remove and ${notUpgraded} not upgraded.\n`;
}

function run(sim: LabSim, node: NodeSim, verb: string, specs: string[], o: { y: boolean; sim: boolean; down: boolean; held: boolean; purge: boolean; quiet: boolean; root: boolean }): ToolResult {
  if (!o.root && !o.sim) return fail(100, NOT_ROOT);
  let changes: Change[];
  let kept: string[] = [];
  if (verb === 'upgrade' || verb === 'dist-upgrade' || verb === 'full-upgrade') {
    const up = upgradable(node);
    kept = up.filter((p) => p.held).map((p) => p.name);
    changes = up.filter((p) => !p.held).map((p) => ({ name: p.name, from: p.installed as string, to: candidate(node, p.name) as string, kind: 'upgrade', held: false }));
  } else {
    const planned = plan(node, verb, specs);
    if (typeof planned === 'string') return { stdout: o.quiet ? '' : HEAD, stderr: `${planned}\n`, rc: 100 };
    changes = planned;
  }
  let out = HEAD;
  for (const c of changes.filter((x) => x.kind === 'same')) {
    out += c.to ? `${c.name} is already the newest version (${c.to}).\n` : `Package '${c.name}' is not installed, so not removed\n`;
  }
  const real = changes.filter((c) => c.kind !== 'same');
  const heldChanged = real.filter((c) => c.held).map((c) => c.name);
  if (kept.length) out += `The following packages have been kept back:\n${indentList(kept)}`;
  if (heldChanged.length) out += `The following held packages will be changed:\n${indentList(heldChanged)}`;
  const section = (kind: Change['kind'], title: string) => {
    const names = real.filter((c) => c.kind === kind).map((c) => c.name);
    if (names.length) out += `${title}\n${indentList(names)}`;
  };
  section('remove', 'The following packages will be REMOVED:');
  section('install', 'The following NEW packages will be installed:');
  section('upgrade', 'The following packages will be upgraded:');
  section('downgrade', 'The following packages will be DOWNGRADED:');
  out += summary(node, real, new Set(real.map((c) => c.name)));
  const q = (s: string) => (o.quiet ? '' : s);
  if (real.length === 0) return ok(q(out));
  if (heldChanged.length && !o.held) return { stdout: q(out), stderr: o.y ? 'E: Held packages were changed and -y was used without --allow-change-held-packages.\n' : '', rc: o.y ? 100 : 1 };
  if (real.some((c) => c.kind === 'downgrade') && !o.down && o.y) return { stdout: q(out), stderr: 'E: Packages were downgraded and -y was used without --allow-downgrades.\n', rc: 100 };
  if (!o.y && !o.sim && (heldChanged.length || real.some((c) => c.kind === 'downgrade' || c.kind === 'remove'))) return { stdout: q(`${out}Do you want to continue? [Y/n] Abort.\n`), stderr: '', rc: 1 };
  if (o.sim) return ok(q(out + real.map((c) => (c.kind === 'remove' ? `Remv ${c.name} [${c.from}]` : `Inst ${c.name} ${c.from ? `[${c.from}] ` : ''}(${c.to} ${available(node, c.name).find((v) => v.version === c.to)?.origin.replace(/\s+Packages$/, '') ?? ''} [amd64])`)).join('\n') + '\n'));
  out += '(Reading database ... 74530 files and directories currently installed.)\n';
  for (const c of real) out += apply(sim, node, c, o.purge, o.held);
  return ok(q(out));
}

// The apt-get entry point (`apt` too, with apt's stability warning).
export const aptGet: ToolFn = (sim, node, call) => {
  const p = parseOpts(call.args, SPECS);
  const warn = call.tool === 'apt' ? '\nWARNING: apt does not have a stable CLI interface. Use with caution in scripts.\n\n' : '';
  if (p.error) return fail(100, `E: Command line option ${p.error.replace(/^unrecognized option /, '')} is not understood in combination with the other options`);
  const [verb = '', ...pkgs] = p.positionals;
  const quiet = (p.opts.get('q')?.length ?? 0) >= 2;
  const opts = { y: has(p, 'y') || has(p, 'force-yes'), sim: has(p, 's'), down: has(p, 'down'), held: has(p, 'held'), purge: has(p, 'purge') || verb === 'purge', quiet, root: call.root };
  let r: ToolResult;
  switch (verb) {
    case 'update':
      r = update(node, call.root);
      break;
    case 'install':
    case 'reinstall':
    case 'remove':
    case 'purge':
      if (pkgs.length === 0) {
        r = ok(`${HEAD}0 upgraded, 0 newly installed, 0 to remove and ${upgradable(node).length} not upgraded.\n`);
        break;
      }
      r = run(sim, node, verb === 'reinstall' ? 'install' : verb, pkgs, opts);
      break;
    case 'upgrade':
    case 'dist-upgrade':
    case 'full-upgrade':
      r = run(sim, node, verb, [], opts);
      break;
    case 'autoremove':
    case 'autoclean':
    case 'clean':
    case 'check':
      r = !call.root && !opts.sim && verb !== 'check' ? fail(100, NOT_ROOT) : ok(verb === 'autoremove' ? `${HEAD}0 upgraded, 0 newly installed, 0 to remove and ${upgradable(node).length} not upgraded.\n` : '');
      break;
    case '':
      r = fail(100, 'E: No operation specified');
      break;
    default:
      r = fail(100, `E: Invalid operation ${verb}`);
  }
  return { ...r, stderr: warn + r.stderr };
};
