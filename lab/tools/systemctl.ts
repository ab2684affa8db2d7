// The simulated `systemctl`: show, status, is-active/is-enabled/is-failed, start/stop/restart/reload,
// enable/disable/mask/unmask, daemon-reload, list-units, reboot. Changing units needs root.
import { rebootNode, restartUnit, startUnit, stopUnit } from '../lifecycle.js';
import type { NodeSim } from '../node.js';
import type { LabSim } from '../sim.js';
import type { ToolResult } from '../types.js';
import { unitId, type UnitState } from '../units.js';
import { showUnits, statusUnit } from './systemctl-show.js';
import { fail, has, ok, parseOpts, text, type OptSpec, type ToolFn } from './util.js';

const SPECS: OptSpec[] = [
  { key: 'p', short: 'p', long: ['property'], arg: true }, { key: 'value', long: ['value'] }, { key: 'all', short: 'a', long: ['all'] },
  { key: 'q', short: 'q', long: ['quiet'] }, { key: 'now', long: ['now'] }, { key: 'nopager', long: ['no-pager'] }, { key: 'noblock', long: ['no-block'] },
  { key: 'full', short: 'l', long: ['full'] }, { key: 'plain', long: ['plain'] }, { key: 'nolegend', long: ['no-legend'] }, { key: 'system', long: ['system'] },
  { key: 'type', short: 't', long: ['type'], arg: true }, { key: 'state', long: ['state'], arg: true }, { key: 'force', short: 'f', long: ['force'] },
  { key: 'lines', short: 'n', long: ['lines'], arg: true }, { key: 'version', long: ['version'] }, { key: 'user', long: ['user'] }, { key: 'output', short: 'o', long: ['output'], arg: true },
];

const VERBS: Record<string, string> = { start: 'start', stop: 'stop', restart: 'restart', reload: 'reload', 'try-restart': 'try-restart', 'reload-or-restart': 'reload-or-restart', 'try-reload-or-restart': 'try-reload-or-restart', condrestart: 'try-restart' };

function denied(verb: string, id: string): string {
  return `Failed to ${verb} ${id}: Interactive authentication required.\nSee system logs and 'systemctl status ${id}' for details.\n`;
}

function change(sim: LabSim, node: NodeSim, verb: string, names: string[], root: boolean, quiet: boolean): ToolResult {
  let err = '';
  let rc = 0;
  for (const name of names) {
    const id = unitId(name);
    const u = node.units.get(id);
    const word = verb.startsWith('try-') || verb.startsWith('reload-or') ? 'restart' : verb;
    if (!root) return fail(1, err + denied(word, id));
    if (!u) {
      err += `Failed to ${word} ${id}: Unit ${id} ${verb === 'stop' ? 'not loaded' : 'not found'}.\n`;
      rc = 5;
      continue;
    }
    if (u.fileState === 'masked' && verb !== 'stop') {
      err += `Failed to ${word} ${id}: Unit ${id} is masked.\n`;
      rc = 1;
      continue;
    }
    if (verb === 'start') startUnit(sim, node, u);
    else if (verb === 'stop') stopUnit(sim, node, u);
    else if (verb === 'restart' || verb === 'reload-or-restart') restartUnit(sim, node, u);
    else if (verb === 'try-restart' || verb === 'try-reload-or-restart') {
      if (u.active === 'active') restartUnit(sim, node, u);
    } else if (verb === 'reload') {
      if (u.id !== 'ssh.service' && u.id !== 'cron.service') {
        err += `Failed to reload ${id}: Job type reload is not applicable for unit ${id}.\n`;
        rc = 1;
        continue;
      }
      if (u.active !== 'active') {
        err += `Failed to reload ${id}: Unit ${id} cannot be reloaded because it is inactive.\n`;
        rc = 1;
        continue;
      }
      sim.syslog(node, u, `Reloading ${u.id} - ${u.description}...`);
      sim.syslog(node, u, `Reloaded ${u.id} - ${u.description}.`);
    }
  }
  return { stdout: '', stderr: quiet ? '' : err, rc };
}

function wantsPath(u: UnitState): string {
  return `/etc/systemd/system/multi-user.target.wants/${u.id}`;
}

function unitFiles(sim: LabSim, node: NodeSim, verb: string, names: string[], root: boolean, now: boolean): ToolResult {
  if (!root) return fail(1, `Failed to ${verb} unit: Access denied`);
  let err = '';
  for (const name of names) {
    const id = unitId(name);
    const u = node.units.get(id);
    if (!u) return fail(1, `${err}Failed to ${verb} unit: Unit file ${id} does not exist.`);
    if (verb === 'enable' && u.fileState === 'disabled') {
      u.fileState = u.unmaskedState = 'enabled';
      err += `Created symlink ${wantsPath(u)} → ${u.fragment}.\n`;
    } else if (verb === 'disable' && u.fileState === 'enabled') {
      u.fileState = u.unmaskedState = 'disabled';
      err += `Removed "${wantsPath(u)}".\n`;
    } else if (verb === 'mask' && u.fileState !== 'masked') {
      u.fileState = 'masked';
      err += `Created symlink /etc/systemd/system/${u.id} → /dev/null.\n`;
    } else if (verb === 'unmask' && u.fileState === 'masked') {
      u.fileState = u.unmaskedState;
      err += `Removed "/etc/systemd/system/${u.id}".\n`;
    } else if (verb === 'enable' && u.fileState === 'masked') {
      return fail(1, `${err}Failed to enable unit: Unit file /etc/systemd/system/${id} is masked.`);
    }
    if (now && verb === 'enable') startUnit(sim, node, u);
    if (now && (verb === 'disable' || verb === 'mask')) stopUnit(sim, node, u);
  }
  return ok('', err);
}

function listUnits(node: NodeSim, legend: boolean, all: boolean, pattern: string | undefined, states: string[]): string {
  const re = pattern ? new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`) : undefined;
  const sub = (u: UnitState) => (u.active === 'active' ? 'running' : 'dead');
  const units = [...node.units.values()]
    .filter((u) => (all || states.length > 0 || u.active !== 'inactive') && (!re || re.test(u.id)) && (states.length === 0 || states.includes(u.active) || states.includes(sub(u))))
    .sort((a, b) => a.id.localeCompare(b.id));
  const w = Math.max(4, ...units.map((u) => u.id.length));
  const row = (a: string, b: string, c: string, d: string, e: string) => `  ${a.padEnd(w)} ${b.padEnd(6)} ${c.padEnd(8)} ${d.padEnd(7)} ${e}`.trimEnd();
  const rows = units.map((u) => row(u.id, u.fileState === 'masked' ? 'masked' : 'loaded', u.active, u.active === 'active' ? 'running' : 'dead', u.description));
  if (!legend) return text(rows.map((r) => r.replace(/^ {2}/, '')));
  return text([row('UNIT', 'LOAD', 'ACTIVE', 'SUB', 'DESCRIPTION'), ...rows, '', 'Legend: LOAD   → Reflects whether the unit definition was properly loaded.', '', `${rows.length} loaded units listed.`]);
}

function isQuery(node: NodeSim, verb: string, names: string[], quiet: boolean): ToolResult {
  const out: string[] = [];
  let err = '';
  let any = false;
  for (const name of names) {
    const id = unitId(name);
    const u = node.units.get(id);
    if (verb === 'is-enabled') {
      if (!u) {
        err += `Failed to get unit file state for ${id}: No such file or directory\n`;
        continue;
      }
      out.push(u.fileState);
      if (u.fileState === 'enabled' || u.fileState === 'static') any = true;
    } else {
      const state = u?.active ?? 'inactive';
      out.push(state);
      if (verb === 'is-active' ? state === 'active' : state === 'failed') any = true;
    }
  }
  const rc = any ? 0 : verb === 'is-enabled' ? 1 : verb === 'is-failed' ? 1 : 3;
  return { stdout: quiet ? '' : text(out), stderr: err, rc };
}

// The systemctl entry point.
export const systemctl: ToolFn = (sim, node, call) => {
  const p = parseOpts(call.args, SPECS);
  if (p.error) return fail(1, `systemctl: ${p.error}`);
  if (has(p, 'version')) return ok('systemd 255 (255.4-1ubuntu8.4)\n+PAM +AUDIT +SELINUX +APPARMOR +IMA +SMACK +SECCOMP +GCRYPT -GNUTLS +OPENSSL +ACL +BLKID +CURL +ELFUTILS +FIDO2 +IDN2 -IDN +IPTC +KMOD +LIBCRYPTSETUP +LIBFDISK +PCRE2 -PWQUALITY +P11KIT +QRENCODE +TPM2 +BZIP2 +LZ4 +XZ +ZLIB +ZSTD -BPF_FRAMEWORK -XKBCOMMON +UTMP +SYSVINIT default-hierarchy=unified\n');
  if (has(p, 'user')) return fail(1, 'Failed to connect to bus: No medium found');
  const [verb = 'list-units', ...names] = p.positionals;
  const quiet = has(p, 'q');
  const props = (p.opts.get('p') ?? []).flatMap((v) => v.split(',')).filter(Boolean);
  if (VERBS[verb]) {
    if (names.length === 0) return fail(1, `Too few arguments.`);
    return change(sim, node, VERBS[verb] as string, names, call.root, quiet);
  }
  switch (verb) {
    case 'show':
      if (names.length === 0) return ok(props.length ? text(props.map((k) => `${k}=${k === 'Version' ? '255.4-1ubuntu8.4' : ''}`)) : 'Version=255.4-1ubuntu8.4\nArchitecture=x86-64\nSystemState=running\n');
      return ok(showUnits(node, names, props, has(p, 'value'), has(p, 'all')));
    case 'status': {
      if (names.length === 0) return ok(`● ${node.name}\n    State: running\n`);
      let out = '';
      let err = '';
      let rc = 0;
      for (const n of names) {
        const s = statusUnit(node, n, Number(p.opts.get('lines')?.pop() ?? 10));
        if (s.rc === 4) err += `Unit ${unitId(n)} could not be found.\n`;
        out += (out && s.out ? '\n' : '') + s.out;
        rc = Math.max(rc, s.rc);
      }
      return { stdout: out, stderr: err, rc };
    }
    case 'is-active':
    case 'is-enabled':
    case 'is-failed':
      if (names.length === 0) return fail(1, 'Too few arguments.');
      return isQuery(node, verb, names, quiet);
    case 'enable':
    case 'disable':
    case 'mask':
    case 'unmask':
      if (names.length === 0) return fail(1, 'Too few arguments.');
      return unitFiles(sim, node, verb, names, call.root, has(p, 'now'));
    case 'daemon-reload':
    case 'daemon-reexec':
      return call.root ? ok() : fail(1, 'Failed to reload daemon: Access denied');
    case 'list-units':
      return ok(listUnits(node, !has(p, 'nolegend'), has(p, 'all'), names[0], (p.opts.get('state') ?? []).flatMap((v) => v.split(','))));
    case 'reboot':
      if (!call.root) return fail(1, 'Failed to reboot system via logind: Interactive authentication required.\nFailed to start reboot.target: Interactive authentication required.\nSee system logs and \'systemctl status reboot.target\' for details.');
      rebootNode(sim, node);
      return ok();
    case 'poweroff':
    case 'halt':
    case 'kexec':
      return fail(1, `lab: systemctl ${verb} is not simulated (the node would never come back); use reboot`);
    default:
      return fail(1, `Unknown command verb '${verb}'.`);
  }
};
