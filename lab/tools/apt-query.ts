// The simulated package queries and marks: apt-mark, apt-cache (policy, madison), dpkg-query (-W with
// -f formats, -s, -l) and dpkg (-l, -s, --get/--set-selections, --print-architecture).
import type { AptPackage, NodeSim } from '../node.js';
import type { ToolResult } from '../types.js';
import { available, candidate, DESCRIPTIONS, dpkgStatus, knownPackage } from './apt-repo.js';
import { fail, ok, parseOpts, text, type OptSpec, type ToolFn } from './util.js';

// apt-mark hold|unhold|showhold|showmanual PKG...
export const aptMark: ToolFn = (_sim, node, call) => {
  const p = parseOpts(call.args, [{ key: 'q', short: 'q', long: ['quiet'] }, { key: 's', short: 's', long: ['simulate'] }, { key: 'f', short: 'f', long: ['file'], arg: true }]);
  if (p.error) return fail(100, `E: Command line option ${p.error} is not understood`);
  const [verb = '', ...names] = p.positionals;
  if (verb === 'showhold' || verb === 'showholds') {
    const held = [...node.packages.values()].filter((x) => x.held && (names.length === 0 || names.includes(x.name))).map((x) => x.name).sort();
    return ok(text(held));
  }
  if (verb === 'showmanual' || verb === 'showinstall') return ok(text([...node.packages.values()].filter((x) => x.installed).map((x) => x.name).sort()));
  if (verb === 'showauto') return ok('');
  if (verb !== 'hold' && verb !== 'unhold') return verb ? fail(100, `E: Invalid operation ${verb}`) : fail(100, 'E: No operation specified');
  const errors: string[] = [];
  const known = names.filter((n) => {
    if (knownPackage(node, n)) return true;
    errors.push(`E: Unable to locate package ${n}`);
    return false;
  });
  if (known.length === 0) return fail(100, [...errors, 'E: No packages found'].join('\n'));
  const hold = verb === 'hold';
  let out = '';
  const todo: string[] = [];
  for (const n of known) {
    const pkg = node.packages.get(n);
    if ((pkg?.held ?? false) === hold) out += hold ? `${n} was already set on hold.\n` : `${n} was already not hold.\n`;
    else todo.push(n);
  }
  if (todo.length && !call.root && !p.opts.has('s')) errors.push('dpkg: error: requested operation requires superuser privilege', 'E: Executing dpkg failed. Are you root?');
  else if (!p.opts.has('s')) {
    for (const n of todo) {
      let pkg = node.packages.get(n);
      if (!pkg) node.packages.set(n, (pkg = { name: n, held: false }));
      pkg.held = hold;
    }
  }
  for (const n of todo) out += hold ? `${n} set on hold.\n` : `Canceled hold on ${n}.\n`;
  return { stdout: out, stderr: text(errors), rc: errors.length ? 100 : 0 };
};

function policy(node: NodeSim, name: string): string {
  const pkg = node.packages.get(name);
  const avail = available(node, name);
  const lines = [`${name}:`, `  Installed: ${pkg?.installed ?? '(none)'}`, `  Candidate: ${candidate(node, name) ?? pkg?.installed ?? '(none)'}`, '  Version table:'];
  const versions = [...avail];
  if (pkg?.installed && !avail.some((v) => v.version === pkg.installed)) versions.push({ version: pkg.installed, origin: '' });
  for (const v of versions) {
    const mine = v.version === pkg?.installed;
    lines.push(`${mine ? ' *** ' : '     '}${v.version} ${v.origin ? 500 : 100}`);
    if (v.origin) lines.push(`        500 ${v.origin}`);
    if (mine) lines.push('        100 /var/lib/dpkg/status');
  }
  return text(lines);
}

// apt-cache policy|madison|show PKG...
export const aptCache: ToolFn = (_sim, node, call) => {
  const p = parseOpts(call.args, [{ key: 'q', short: 'q', long: ['quiet'] }, { key: 'o', short: 'o', long: ['option'], arg: true }]);
  if (p.error) return fail(100, `E: Command line option ${p.error} is not understood`);
  const [verb = '', ...names] = p.positionals;
  let out = '';
  let err = '';
  if (verb === 'policy' && names.length === 0) return ok('Package files:\n 100 /var/lib/dpkg/status\n     release a=now\nPinned packages:\n');
  if (!['policy', 'madison', 'show'].includes(verb)) return fail(100, verb ? `E: Invalid operation ${verb}` : 'E: No operation specified');
  for (const n of names) {
    if (!knownPackage(node, n)) {
      err += `N: Unable to locate package ${n}\n`;
      continue;
    }
    if (verb === 'policy') out += policy(node, n);
    else if (verb === 'madison') out += text(available(node, n).map((v) => `${n.padStart(10)} | ${v.version} | ${v.origin}`));
    else out += text([`Package: ${n}`, `Version: ${candidate(node, n) ?? ''}`, 'Architecture: amd64', `Description: ${DESCRIPTIONS[n] ?? n}`, '']);
  }
  const missing = verb === 'show' && out === '' ? 100 : 0;
  return { stdout: out, stderr: missing ? `${err}E: No packages found\n` : err, rc: missing };
};

function fields(pkg: AptPackage): Record<string, string> {
  const st = dpkgStatus(pkg);
  return {
    Package: pkg.name, 'binary:Package': pkg.name, Version: pkg.installed ?? '', Architecture: 'amd64', Status: `${st.want} ok ${st.status}`,
    'db:Status-Abbrev': st.abbrev, 'db:Status-Want': st.want, 'db:Status-Status': st.status, 'db:Status-Eflag': 'ok', 'Installed-Size': '45000',
    Maintainer: pkg.name.startsWith('kube') || pkg.name === 'cri-tools' ? 'Kubernetes Authors <dev@kubernetes.io>' : 'Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>',
    Description: DESCRIPTIONS[pkg.name] ?? pkg.name, Section: 'admin', Priority: 'optional',
  };
}

// dpkg-query's --showformat: ${Field} and ${Field;width}, \n \t \\ escapes.
export function renderFormat(fmt: string, pkg: AptPackage): string {
  const f = fields(pkg);
  const escaped = fmt.replace(/\\(n|t|\\|")/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
  return escaped.replace(/\$\{([^};]+)(?:;(-?\d+))?\}/g, (_m, name: string, width?: string) => {
    const v = f[name] ?? '';
    if (!width) return v;
    const w = Number(width);
    return w < 0 ? v.padEnd(-w) : v.padStart(w);
  });
}

function globMatch(pattern: string, name: string): boolean {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(name);
}

function inDb(node: NodeSim): AptPackage[] {
  return [...node.packages.values()].filter((p) => p.installed || p.configOnly).sort((a, b) => a.name.localeCompare(b.name));
}

function listing(pkgs: AptPackage[]): string {
  const head = ['Desired=Unknown/Install/Remove/Purge/Hold', '| Status=Not/Inst/Conf-files/Unpacked/halF-conf/Half-inst/trig-aWait/Trig-pend', '|/ Err?=(none)/Reinst-required (Status,Err: uppercase=bad)', '||/ Name                Version             Architecture Description', '+++-===================-===================-============-================================'];
  return text([...head, ...pkgs.map((p) => `${dpkgStatus(p).abbrev.padEnd(3)} ${p.name.padEnd(19)} ${(p.installed ?? '').padEnd(19)} amd64        ${DESCRIPTIONS[p.name] ?? p.name}`)]);
}

function status(node: NodeSim, names: string[], tool: string): ToolResult {
  let out = '';
  let err = '';
  for (const n of names) {
    const pkg = node.packages.get(n);
    if (!pkg || (!pkg.installed && !pkg.configOnly)) {
      err += `${tool}: package '${n}' is not installed and no information is available\nUse dpkg --info (= dpkg-deb --info) to examine archive files.\n`;
      continue;
    }
    const f = fields(pkg);
    out += (out ? '\n' : '') + text(['Package', 'Status', 'Priority', 'Section', 'Installed-Size', 'Maintainer', 'Architecture', 'Version', 'Description'].map((k) => `${k}: ${f[k]}`));
  }
  return { stdout: out, stderr: err, rc: err ? 1 : 0 };
}

const QUERY_SPECS: OptSpec[] = [
  { key: 'W', short: 'W', long: ['show'] }, { key: 'f', short: 'f', long: ['showformat'], arg: true }, { key: 's', short: 's', long: ['status'] },
  { key: 'l', short: 'l', long: ['list'] }, { key: 'L', short: 'L', long: ['listfiles'] },
];

// dpkg-query -W [-f FMT] PKG..., -s PKG..., -l [PKG...].
export const dpkgQuery: ToolFn = (_sim, node, call) => {
  // dpkg's own option parser drops the `=` of an attached short-option value (`-f=FMT`).
  const p = parseOpts(call.args.flatMap((a) => (/^-[a-zA-Z]=/.test(a) ? [a.slice(0, 2), a.slice(3)] : [a])), QUERY_SPECS);
  if (p.error) return fail(2, `dpkg-query: error: ${p.error}\n\nUse --help for help about querying packages.`);
  const names = p.positionals;
  if (p.opts.has('s')) return names.length ? status(node, names, 'dpkg-query') : fail(2, 'dpkg-query: error: --status needs at least one package name argument');
  const all = inDb(node);
  const select = (pat: string) => all.filter((x) => globMatch(pat, x.name));
  if (p.opts.has('l')) {
    const hits = names.length ? names.flatMap(select) : all;
    const missing = names.filter((n) => select(n).length === 0);
    return { stdout: hits.length ? listing(hits) : '', stderr: text(missing.map((n) => `dpkg-query: no packages found matching ${n}`)), rc: missing.length ? 1 : 0 };
  }
  if (!p.opts.has('W')) return fail(2, 'dpkg-query: error: need an action option\n\nUse --help for help about querying packages.');
  const fmt = p.opts.get('f')?.pop() ?? '${binary:Package}\\t${Version}\\n';
  let out = '';
  let err = '';
  for (const n of names.length ? names : ['*']) {
    const hits = select(n);
    if (hits.length === 0) err += `dpkg-query: no packages found matching ${n}\n`;
    for (const pkg of hits) out += renderFormat(fmt, pkg);
  }
  return { stdout: out, stderr: err, rc: err ? 1 : 0 };
};

// A package name followed by tabs up to column 48, as dpkg --get-selections prints it.
function selectionName(name: string): string {
  let out = name;
  for (let col = name.length; col < 48; col = (col + 8) & ~7) out += '\t';
  return out;
}

// dpkg -l/-s/--get-selections/--set-selections/--print-architecture; installing .deb files is refused.
export const dpkg: ToolFn = (sim, node, call) => {
  const [first = '', ...rest] = call.args;
  if (first === '--print-architecture') return ok('amd64\n');
  if (first === '-l' || first === '--list' || first === '-s' || first === '--status' || first === '-W' || first === '--show') return dpkgQuery(sim, node, { ...call, args: call.args });
  if (first === '--get-selections') {
    const pkgs = inDb(node).filter((x) => rest.length === 0 || rest.some((r) => globMatch(r, x.name)));
    return ok(text(pkgs.map((x) => `${selectionName(x.name)}${dpkgStatus(x).want}`)));
  }
  if (!call.root) return fail(2, 'dpkg: error: requested operation requires superuser privilege');
  if (first === '--set-selections') {
    for (const line of (call.stdin ?? '').split('\n')) {
      const [name, want] = line.trim().split(/\s+/);
      const pkg = name ? node.packages.get(name) : undefined;
      if (!name || !want) continue;
      if (!pkg) return fail(2, `dpkg: warning: package not in status nor available database at line 1: ${name}`);
      if (want === 'hold') pkg.held = true;
      else if (want === 'install') pkg.held = false;
    }
    return ok();
  }
  return fail(2, `dpkg: error: lab: '${first}' is not simulated; install packages with apt-get`);
};
