// pip: installs, upgrades or removes Python packages with pip, optionally in a virtualenv it
// creates (ansible.builtin.pip). What is installed is read from `pip list --format=freeze`; present
// and absent change only what differs, latest, forcereinstall and requirements files report a
// change when the installed set (or a reinstall) changed.
import { sh, type ShellCommand } from '../engine/connection/command.js';
import { defineModule, type Probe } from '../engine/module.js';
import { shlexSplit } from '../engine/py/shlex.js';

// The pip arguments (ansible.builtin.pip's names and defaults).
export const schema = {
  type: 'object',
  properties: {
    name: { type: ['string', 'array'], items: { type: 'string' }, description: 'package names, with version specifiers allowed (requests>=2.28, six==1.16.0)' },
    version: { type: 'string', description: 'the version of the single package in name (==)' },
    state: { enum: ['present', 'absent', 'latest', 'forcereinstall'], default: 'present', description: 'installed, removed, upgraded, or installed again' },
    requirements: { type: 'string', description: 'a requirements file to install from (relative to chdir)' },
    virtualenv: { type: 'string', description: 'a virtualenv to install into, created when missing' },
    virtualenv_command: { type: 'string', default: 'virtualenv', description: 'the command that creates it (e.g. "python3 -m venv")' },
    virtualenv_python: { type: 'string', description: 'the Python the virtualenv is made with (-p)' },
    virtualenv_site_packages: { type: 'boolean', default: false, description: 'let the virtualenv see the system packages' },
    executable: { type: 'string', description: 'the pip to run (default pip3, or the virtualenv\'s)' },
    extra_args: { type: 'string', description: 'more pip arguments, e.g. "--no-index --find-links /srv/wheels"' },
    chdir: { type: 'string', description: 'run pip in this directory' },
    editable: { type: 'boolean', default: false, description: 'install in editable mode (-e)' },
  },
  additionalProperties: false,
} as const;

// pip's canonical form of a distribution name: lower case, runs of -_. as one dash.
const canonical = (n: string) => n.toLowerCase().replace(/[-_.]+/g, '-');

// A requirement's name and, when pinned with ==, its version.
function parseSpec(spec: string): { name: string; pinned?: string; plain: boolean } {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(.*)$/.exec(spec);
  if (!m) return { name: spec, plain: false };
  const rest = (m[3] ?? '').trim();
  const pin = /^==\s*([^,;\s]+)$/.exec(rest);
  return { name: m[1] as string, ...(pin ? { pinned: pin[1] as string } : {}), plain: rest === '' || pin !== null };
}

// `pip list --format=freeze`: canonical name -> version.
function installed(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([^=\s]+)==(\S+)/.exec(line.trim());
    if (m) out.set(canonical(m[1] as string), m[2] as string);
  }
  return out;
}

export default defineModule({
  name: 'pip',
  aliases: ['ansible.builtin.pip'],
  summary: 'Install, upgrade or remove Python packages with pip (optionally in a virtualenv)',
  schema,
  checkMode: 'reads the installed packages; present/absent report what would change, latest, forcereinstall and requirements report a change',
  example: '- pip:\n    name: kubernetes==29.0.0\n    virtualenv: /opt/k8s-tools\n    virtualenv_command: python3 -m venv',
  async probe(ctx, args): Promise<Probe> {
    const names = args.name === undefined ? [] : Array.isArray(args.name) ? args.name : args.name.split(',').map((n) => n.trim()).filter(Boolean);
    if (names.length === 0 && !args.requirements) return { changed: false, failed: 'one of the following is required: name, requirements' };
    if (args.version !== undefined && names.length !== 1) return { changed: false, failed: 'version is incompatible with a list of packages in name' };
    const specs = args.version !== undefined ? [`${names[0]}==${args.version}`] : names;
    const venv = args.virtualenv;
    const pip = args.executable ?? (venv ? `${venv}/bin/pip` : 'pip3');
    const cd = args.chdir ? sh`cd ${args.chdir} && ` : sh``;
    const listed = await ctx.host_.query(sh`${cd}${venv ? sh`test -x ${`${venv}/bin/pip`} || { echo @@novenv@@; exit 0; }; ` : sh``}${shlexSplit(pip)} list --format=freeze 2>/dev/null`);
    const missingVenv = listed.stdout.includes('@@novenv@@');
    const have = installed(missingVenv ? '' : listed.stdout);
    const extra = shlexSplit(args.extra_args ?? '');
    const base = { cmd: '', name: names, version: args.version ?? null, state: args.state, requirements: args.requirements ?? null, virtualenv: venv ?? null };
    let install: string[] = [];
    let remove: string[] = [];
    let compare = false;
    if (args.state === 'absent') remove = specs.map((s) => parseSpec(s).name).filter((n) => have.has(canonical(n)));
    else if (args.state === 'present') {
      install = specs.filter((s) => {
        const p = parseSpec(s);
        const v = have.get(canonical(p.name));
        return v === undefined || (p.pinned !== undefined && v !== p.pinned) || !p.plain;
      });
      // a specifier other than == cannot be judged from the list: pip decides, the lists tell
      compare = install.some((s) => !parseSpec(s).plain) || !!args.requirements;
    } else {
      install = specs;
      compare = args.state === 'latest';
    }
    const flags = [...(args.state === 'latest' ? ['-U'] : []), ...(args.state === 'forcereinstall' ? ['--force-reinstall'] : []), ...extra];
    const cmds: ShellCommand[] = [];
    if (venv && missingVenv) cmds.push(sh`${shlexSplit(args.virtualenv_command)} ${[...(args.virtualenv_site_packages ? ['--system-site-packages'] : []), ...(args.virtualenv_python ? ['-p', args.virtualenv_python] : []), venv]}`);
    if (install.length > 0 || args.requirements) cmds.push(sh`${shlexSplit(pip)} install ${[...flags, ...(args.requirements ? ['-r', args.requirements] : []), ...(args.editable ? install.flatMap((s) => ['-e', s]) : install)]}`);
    if (remove.length > 0) cmds.push(sh`${shlexSplit(pip)} uninstall -y ${[...extra, ...remove]}`);
    if (cmds.length === 0) return { changed: false, result: { ...base, changed: false } };
    const before = [...have].map(([n, v]) => `${n}==${v}`).sort().join('\n');
    return {
      changed: true,
      result: { ...base, changed: true },
      diff: [{ prepared: [...install.map((s) => `install ${s}`), ...remove.map((s) => `remove ${s}`), ...(args.requirements ? [`install -r ${args.requirements}`] : []), ...(venv && missingVenv ? [`create virtualenv ${venv}`] : [])].join('\n') }],
      apply: async (actx) => {
        let stdout = '';
        for (const c of cmds) {
          const r = await actx.host_.run(sh`${cd}${c}`, actx.execDefaults);
          stdout += r.stdout;
          if (r.rc !== 0) return { ...base, changed: false, failed: true, rc: r.rc, stdout, stderr: r.stderr, msg: r.stderr.trim().split('\n').at(-1) || `pip exited ${r.rc}` };
        }
        if (!compare || (venv && missingVenv)) return { ...base, changed: true, stdout };
        const after = await actx.host_.run(sh`${cd}${shlexSplit(pip)} list --format=freeze 2>/dev/null`, actx.execDefaults);
        const now = [...installed(after.stdout)].map(([n, v]) => `${n}==${v}`).sort().join('\n');
        return { ...base, changed: now !== before, stdout };
      },
    };
  },
});
