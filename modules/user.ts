// user: a local account (getent passwd/shadow, id; useradd / usermod / userdel), like Ansible's
// user module on Linux, including generate_ssh_key (ssh-keygen as the user).
import { asArg, raw, sh, secret, type ShellCommand } from '../engine/connection/command.js';
import { defineModule, type HostReader, type ModuleResult, type Probe } from '../engine/module.js';

// The user arguments (ansible-core 2.14's names, aliases and defaults; BSD/macOS-only ones left out).
export const schema = {
  type: 'object',
  properties: {
    name: { type: 'string', aliases: ['user'], description: 'the account' },
    uid: { type: 'integer', description: 'the user id' },
    comment: { type: 'string', description: 'the GECOS field' },
    group: { type: 'string', description: 'the primary group' },
    groups: { type: ['array', 'string'], items: { type: 'string' }, description: 'supplementary groups (a list or comma-separated); [] or "" removes all unless append' },
    append: { type: 'boolean', default: false, description: 'add to groups instead of setting them' },
    shell: { type: 'string', description: 'the login shell' },
    home: { type: 'string', description: 'the home directory' },
    skeleton: { type: 'string', description: 'skeleton directory for a new home (-k)' },
    password: { type: 'string', description: 'the crypted password (a hash, as in /etc/shadow); secret in logs' },
    update_password: { enum: ['always', 'on_create'], default: 'always', description: 'on_create: set password only for new users' },
    state: { enum: ['present', 'absent'], default: 'present', description: 'whether the account exists' },
    create_home: { type: 'boolean', default: true, aliases: ['createhome'], description: 'create the home directory for a new user' },
    move_home: { type: 'boolean', default: false, description: 'move the home directory when home changes' },
    system: { type: 'boolean', default: false, description: 'create a system account (-r)' },
    force: { type: 'boolean', default: false, description: 'state=absent: userdel --force' },
    remove: { type: 'boolean', default: false, description: 'state=absent: also remove the home directory (userdel -r)' },
    non_unique: { type: 'boolean', default: false, description: 'allow a uid already in use (-o)' },
    expires: { type: 'number', description: 'account expiry, seconds since the epoch (-1 removes it)' },
    password_lock: { type: 'boolean', description: 'lock (true) or unlock (false) the password' },
    generate_ssh_key: { type: 'boolean', default: false, description: 'create an SSH key pair if none exists' },
    ssh_key_bits: { type: 'integer', description: 'key size' },
    ssh_key_type: { type: 'string', default: 'rsa', description: 'key type' },
    ssh_key_file: { type: 'string', description: 'key path (default .ssh/id_TYPE in the home)' },
    ssh_key_comment: { type: 'string', default: 'ansible-generated on $HOSTNAME', description: 'key comment' },
    ssh_key_passphrase: { type: 'string', description: 'key passphrase (secret in logs)' },
    local: { type: 'boolean', default: false, description: 'accepted; accounts are managed with the shadow tools (local files)' },
    umask: { type: 'string', description: 'accepted and ignored' },
    hidden: { type: 'boolean', description: 'macOS only; ignored' },
    seuser: { type: 'string', description: 'SELinux user (-Z)' },
    profile: { type: 'string', description: 'Solaris only; ignored' },
    authorization: { type: 'string', description: 'Solaris only; ignored' },
    role: { type: 'string', description: 'Solaris only; ignored' },
    login_class: { type: 'string', description: 'BSD only; ignored' },
    password_expire_max: { type: 'integer', description: 'maximum password age in days (chage -M)' },
    password_expire_min: { type: 'integer', description: 'minimum password age in days (chage -m)' },
  },
  required: ['name'],
  additionalProperties: false,
} as const;

interface Account {
  uid: number;
  gid: number;
  comment: string;
  home: string;
  shell: string;
  group: string;
  groups: string[];
  hash: string;
}

const MARK = '@@tsplay-user@@';

async function readAccount(host: HostReader, name: string): Promise<Account | undefined> {
  const r = await host.query(sh`getent passwd ${name} && echo ${MARK} && id -gn ${name} && echo ${MARK} && id -Gn ${name} && echo ${MARK} && { getent shadow ${name} || true; }`);
  if (r.rc !== 0) return undefined;
  const [pw = '', group = '', groups = '', shadow = ''] = r.stdout.split(`${MARK}\n`);
  const f = pw.trim().split(':');
  return { uid: Number(f[2]), gid: Number(f[3]), comment: f[4] ?? '', home: f[5] ?? '', shell: f[6] ?? '', group: group.trim(), groups: groups.trim().split(/\s+/).filter((g) => g && g !== group.trim()), hash: shadow.trim().split(':')[1] ?? '' };
}

function groupList(v: string | string[] | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v : v.split(',')).map((g) => g.trim()).filter(Boolean);
}

export default defineModule({
  name: 'user',
  summary: 'Create, change or remove a local user account (groups, shell, home, password hash, SSH key)',
  schema,
  freeForm: 'kv',
  checkMode: 'reads getent passwd/shadow and id; reports the fields that would change',
  example: '- user:\n    name: deploy\n    groups: [sudo]\n    append: true\n    shell: /bin/bash',
  async probe(ctx, a): Promise<Probe> {
    const acct = await readAccount(ctx.host_, a.name);
    const base: ModuleResult = { name: a.name, state: a.state };
    if (a.state === 'absent') {
      if (!acct) return { changed: false, result: { ...base, changed: false } };
      const cmd = sh`userdel${a.force ? sh` --force` : sh``}${a.remove ? sh` --remove` : sh``} ${a.name}`;
      return { changed: true, result: { ...base, force: a.force, remove: a.remove }, diff: [{ prepared: `user ${a.name}: present -> absent` }], apply: runAll([cmd], { ...base, force: a.force, remove: a.remove }) };
    }
    const groups = groupList(a.groups);
    const opts: ShellCommand[] = [];
    const changes: string[] = [];
    const want = (flag: string, value: string | number | undefined, have: string | number | undefined, what: string) => {
      if (value === undefined || (acct && String(value) === String(have))) return;
      opts.push(sh`${flag} ${String(value)}`);
      if (acct) changes.push(`${what}: ${have} -> ${value}`);
    };
    want('-u', a.uid, acct?.uid, 'uid');
    want('-g', a.group, acct ? (/^\d+$/.test(a.group ?? '') ? acct.gid : acct.group) : undefined, 'group');
    want('-c', a.comment, acct?.comment, 'comment');
    want('-s', a.shell, acct?.shell, 'shell');
    want('-d', a.home, acct?.home, 'home');
    if (groups !== undefined) {
      const target = a.append ? [...new Set([...(acct?.groups ?? []), ...groups])] : groups;
      const same = acct && [...target].sort().join(',') === [...acct.groups].sort().join(',');
      if (!acct ? groups.length > 0 : !same) {
        opts.push(sh`-G ${groups.join(',')}${acct && a.append ? sh` -a` : sh``}`);
        if (acct) changes.push(`groups: ${acct.groups.join(',')} -> ${target.join(',')}`);
      }
    }
    if (a.password !== undefined && (!acct || (a.update_password === 'always' && acct.hash !== a.password))) {
      opts.push(sh`-p ${secret(a.password)}`);
      if (acct) changes.push('password: (changed)');
    }
    if (a.expires !== undefined) opts.push(sh`-e ${a.expires < 0 ? '' : new Date(a.expires * 1000).toISOString().slice(0, 10)}`);
    if (a.password_lock !== undefined && acct && acct.hash.startsWith('!') !== a.password_lock) {
      opts.push(a.password_lock ? sh`-L` : sh`-U`);
      changes.push(`password_lock: ${!a.password_lock} -> ${a.password_lock}`);
    }
    const cmds: ShellCommand[] = [];
    if (!acct) cmds.push(sh`useradd${a.system ? sh` -r` : sh``}${a.non_unique ? sh` -o` : sh``}${a.create_home ? sh` -m` : sh` -M`}${a.skeleton ? sh` -k ${a.skeleton}` : sh``}${a.seuser ? sh` -Z ${a.seuser}` : sh``} ${opts} ${a.name}`);
    else if (opts.length) cmds.push(sh`usermod${a.non_unique && a.uid !== undefined ? sh` -o` : sh``}${a.move_home && a.home !== undefined && a.home !== acct.home ? sh` -m` : sh``} ${opts} ${a.name}`);
    if (a.password_expire_max !== undefined || a.password_expire_min !== undefined) {
      const ch = await ctx.host_.query(sh`chage -l ${a.name} 2>/dev/null || true`);
      const max = /Maximum number of days between password change\s*:\s*(-?\d+)/.exec(ch.stdout)?.[1];
      const min = /Minimum number of days between password change\s*:\s*(-?\d+)/.exec(ch.stdout)?.[1];
      if ((a.password_expire_max !== undefined && String(a.password_expire_max) !== max) || (a.password_expire_min !== undefined && String(a.password_expire_min) !== min)) {
        cmds.push(sh`chage${a.password_expire_max !== undefined ? sh` -M ${String(a.password_expire_max)}` : sh``}${a.password_expire_min !== undefined ? sh` -m ${String(a.password_expire_min)}` : sh``} ${a.name}`);
      }
    }
    if (a.generate_ssh_key) cmds.push(...(await sshKeyCommand(ctx.host_, a, acct?.home)));
    const result: ModuleResult = { ...base, ...(acct ? { uid: a.uid ?? acct.uid, group: acct.gid, comment: a.comment ?? acct.comment, home: a.home ?? acct.home, shell: a.shell ?? acct.shell } : { system: a.system, create_home: a.create_home }) };
    if (cmds.length === 0) return { changed: false, result: { ...result, changed: false } };
    const diff = [{ prepared: acct ? `user ${a.name}: ${changes.join(', ') || 'ssh key / password age'}` : `user ${a.name}: absent -> present` }];
    return { changed: true, result, diff, apply: runAll(cmds, result, a.name) };
  },
});

// ssh-keygen as the user, unless the key file exists.
async function sshKeyCommand(host: HostReader, a: { name: string; home?: string | undefined; ssh_key_type: string; ssh_key_bits?: number | undefined; ssh_key_file?: string | undefined; ssh_key_comment: string; ssh_key_passphrase?: string | undefined }, home?: string): Promise<ShellCommand[]> {
  const dir = a.home ?? home ?? `/home/${a.name}`;
  const file = a.ssh_key_file ? (a.ssh_key_file.startsWith('/') ? a.ssh_key_file : `${dir}/${a.ssh_key_file}`) : `${dir}/.ssh/id_${a.ssh_key_type}`;
  if (home !== undefined && (await host.query(sh`test -e ${file}`)).rc === 0) return [];
  const bits = a.ssh_key_bits !== undefined ? sh` -b ${String(a.ssh_key_bits)}` : sh``;
  // $HOSTNAME in the comment is the host's name, as Ansible expands it
  const comment = a.ssh_key_comment.includes('$HOSTNAME') ? raw(`"${a.ssh_key_comment.replace(/["\\`$]/g, '\\$&').replace('\\$HOSTNAME', '$(hostname)')}"`) : a.ssh_key_comment;
  const keygen = sh`ssh-keygen -q -t ${a.ssh_key_type}${bits} -C ${comment} -N ${secret(a.ssh_key_passphrase ?? '')} -f ${file}`;
  return [sh`mkdir -p -- "$(dirname -- ${file})" && chown ${a.name} -- "$(dirname -- ${file})" && chmod 0700 -- "$(dirname -- ${file})" && su -s /bin/sh ${a.name} -c ${asArg(keygen)}`];
}

function runAll(cmds: ShellCommand[], result: ModuleResult, name?: string) {
  return async (actx: Parameters<NonNullable<Probe['apply']>>[0]): Promise<ModuleResult> => {
    for (const c of cmds) {
      const r = await actx.host_.run(c, actx.execDefaults);
      if (r.rc !== 0) return { ...result, changed: false, failed: true, rc: r.rc, msg: r.stderr.trim() || `rc ${r.rc}` };
    }
    if (!name) return { ...result, changed: true };
    const now = await readAccount(actx.host_, name);
    return now ? { ...result, changed: true, uid: now.uid, group: now.gid, home: now.home, shell: now.shell, comment: now.comment } : { ...result, changed: true };
  };
}
