// modprobe: loads or unloads a kernel module (community.general.modprobe): loaded means listed in
// /proc/modules (dashes read as underscores) or built into the kernel; persistent=present also
// writes /etc/modules-load.d/NAME.conf (and /etc/modprobe.d/NAME.conf for params), absent removes them.
import { joinCommands, sh, type ShellCommand } from '../engine/connection/command.js';
import { defineModule, type DiffEntry, type Probe } from '../engine/module.js';
import { shlexSplit } from '../engine/py/shlex.js';

// The modprobe arguments (community.general.modprobe's names and defaults).
export const schema = {
  type: 'object',
  properties: {
    name: { type: 'string', description: 'the kernel module, e.g. br_netfilter' },
    state: { enum: ['present', 'absent'], default: 'present', description: 'loaded or not' },
    params: { type: 'string', default: '', description: 'module parameters, e.g. "numdummies=2"' },
    persistent: { enum: ['disabled', 'absent', 'present'], default: 'disabled', description: 'present: load at boot (modules-load.d, modprobe.d options); absent: remove those files\' entries; disabled: leave them' },
  },
  required: ['name'],
  additionalProperties: false,
} as const;

const MARK = '@@tsplay-modprobe@@';

export default defineModule({
  name: 'modprobe',
  aliases: ['community.general.modprobe'],
  summary: 'Load or unload a kernel module, optionally at boot',
  schema,
  freeForm: 'kv',
  checkMode: 'reads /proc/modules, modules.builtin and the boot files; reports what would change',
  example: '- modprobe:\n    name: br_netfilter\n    persistent: present',
  async probe(ctx, args): Promise<Probe> {
    const { name, params, state, persistent } = args;
    const under = name.replace(/-/g, '_');
    const loadFile = `/etc/modules-load.d/${name}.conf`;
    const optsFile = `/etc/modprobe.d/${name}.conf`;
    const r = await ctx.host_.query(sh`cut -d' ' -f1 /proc/modules; echo ${MARK}; grep -E ${`/${name}\\.ko(\\.[a-z]+)?$`} /lib/modules/"$(uname -r)"/modules.builtin 2>/dev/null; echo ${MARK}; cat ${loadFile} 2>/dev/null; echo ${MARK}; cat ${optsFile} 2>/dev/null`);
    const [mods = '', builtin = '', loadText = '', optsText = ''] = r.stdout.split(`${MARK}\n`);
    const loaded = mods.split('\n').some((m) => m.replace(/-/g, '_') === under) || builtin.trim() !== '';
    const cmds: ShellCommand[] = [];
    const diff: DiffEntry[] = [];
    if (state === 'present' && !loaded) cmds.push(sh`modprobe ${[name, ...shlexSplit(params)]}`);
    if (state === 'absent' && loaded) cmds.push(sh`modprobe -r ${name}`);
    if (cmds.length) diff.push({ prepared: `${name}: ${loaded ? 'loaded' : 'not loaded'} -> ${state === 'present' ? 'loaded' : 'not loaded'}` });
    const persist = (path: string, text: string, line: string | undefined, matches: (l: string) => boolean) => {
      const lines = text.split('\n').filter((l) => l !== '');
      const kept = lines.filter((l) => !matches(l));
      const want = persistent === 'present' && line !== undefined ? [...kept, line] : kept;
      const has = persistent === 'present' && line !== undefined ? lines.includes(line) && kept.length === lines.length - 1 : kept.length === lines.length;
      if (persistent === 'disabled' || (persistent === 'present' && line === undefined) || has) return;
      const after = want.map((l) => `${l}\n`).join('');
      diff.push({ before_header: path, after_header: path, before: text, after });
      cmds.push(want.length ? sh`printf %s ${after} > ${path}` : sh`rm -f -- ${path}`);
    };
    persist(loadFile, loadText, name, (l) => l.trim() === name);
    persist(optsFile, optsText, params.trim() ? `options ${name} ${params.trim()}` : undefined, (l) => l.trim().startsWith(`options ${name} `));
    const result = { name, params, state };
    if (cmds.length === 0) return { changed: false, result: { ...result, changed: false } };
    return {
      changed: true,
      result,
      diff,
      apply: async (actx) => {
        const res = await actx.host_.run(joinCommands(cmds), actx.execDefaults);
        if (res.rc !== 0) return { ...result, changed: false, failed: true, rc: res.rc, stdout: res.stdout, stderr: res.stderr, msg: res.stderr.trim() || `rc ${res.rc}` };
        return { ...result, changed: true };
      },
    };
  },
});
