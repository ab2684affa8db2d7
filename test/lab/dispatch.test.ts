// The in-process dispatch (lab/dispatch): which exec requests it takes, and that each prints,
// returns and changes exactly what the same command run by a real shell through the shims does.
// `: $HOME; CMD` is the same command for sh but outside the subset, so it takes the shell path.
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planExec } from '../../lab/dispatch/channel.js';
import { fileCommand, fileTest, runFileCommand } from '../../lab/dispatch/files.js';
import { resolveShellUser } from '../../lab/shell.js';
import { parseScript, type SimpleCommand } from '../../lab/dispatch/parse.js';
import { TestLab, type Run } from './helpers.js';

let t: TestLab;
beforeAll(async () => {
  t = await TestLab.start();
});
afterAll(async () => {
  await t?.close();
});

const KUBELITE = 'snap.microk8s.daemon-kubelite';
// The engine's wrapping of every command: the pid marker, then the command.
const wrap = (cmd: string) => `exec /bin/sh -c '${`echo "[tsplay-pid:$$]" >&2; ${cmd}`.replace(/'/g, `'"'"'`)}'`;
const become = (cmd: string) => `sudo -H -S -n -u root /bin/sh -c '${cmd.replace(/'/g, `'"'"'`)}'`;
const q = (s: string) => `'${s.replace(/'/g, `'"'"'`)}'`;
// The engine's path probe (modules/lib/remote-file.ts), with the checksum, the content, following.
const probe = (p: string, o: { sum?: boolean; content?: boolean; follow?: boolean } = {}) =>
  `if [ -e ${q(p)} ] || [ -L ${q(p)} ]; then stat ${o.follow ? '-L ' : ''}-c '%F|%a|%U|%G|%u|%g|%s|%Y' -- ${q(p)}` +
  (o.sum ? ` && { [ -f ${q(p)} ] && sha1sum -- ${q(p)} || true; }` : '') +
  (o.content ? ` && { [ -f ${q(p)} ] && { echo __TSPLAY_CONTENT__; cat -- ${q(p)}; } || true; }` : '') +
  `; readlink -- ${q(p)} 2>/dev/null || true; else echo absent; fi`;
// Without the pid marker line and crictl's logrus timestamps.
const unmarked = (r: Run): Run => ({ ...r, stderr: r.stderr.replace(/^\[tsplay-pid:\d+\]\n/m, '').replace(/time="[^"]*"/g, 'time=T') });

describe('the sh subset', () => {
  const simple = (text: string) => parseScript(text, 42)[0]?.first as SimpleCommand;

  it('quotes and expands $$ like dash', () => {
    expect(simple(`a 'b c' "d \\$x \\" \\q \\e" e\\ f "$$" x$$y ''`).words).toEqual(['a', 'b c', 'd $x " \\q \\e', 'e f', '42', 'x42y', '']);
    expect(simple(`exec /bin/sh -c 'echo "[tsplay-pid:$$]" >&2; x'`).words).toEqual(['exec', '/bin/sh', '-c', 'echo "[tsplay-pid:$$]" >&2; x']);
  });

  it('tells assignments from arguments, and reads the redirections in order', () => {
    const c = simple(`A=1 B="2 3" cmd C=4 'D'=5 >/dev/null 2>&1`);
    expect(c.assigns).toEqual([['A', '1'], ['B', '2 3']]);
    expect(c.words).toEqual(['cmd', 'C=4', 'D=5']);
    expect(c.redirects).toEqual([{ fd: 1, to: 'null' }, { fd: 2, to: 1 }]);
  });

  it('reads lists, and-or chains and groups', () => {
    const s = parseScript('a || { b >&2; exit 2; }; c\nd && e', 1);
    expect(s.map((x) => [x.first.kind, x.rest.map((r) => r.op)])).toEqual([['simple', ['||']], ['simple', []], ['simple', ['&&']]]);
    expect(s[0]?.rest[0]?.cmd).toMatchObject({ kind: 'group', body: [{ first: { words: ['b'], redirects: [{ fd: 1, to: 2 }] } }, { first: { words: ['exit', '2'] } }] });
  });
});

// The lab shells' PATH (lab/lab.ts): the shims, then the system's.
const inProcess = (cmd: string) => planExec(cmd, { PATH: `${t.lab.paths.binDir}:/usr/bin:/bin`, TSPLAY_LAB_USER: 'ubuntu' }, { sim: t.lab.sim, node: t.lab.sim.nodes[0]!, binDir: t.lab.paths.binDir, user: undefined }) !== undefined;

describe('what runs in process', () => {
  const env = { PATH: '/x', TSPLAY_LAB_USER: 'ubuntu' };
  const o = () => ({ sim: t.lab.sim, node: t.lab.sim.nodes[0]!, binDir: t.lab.paths.binDir, user: undefined });

  it('takes simulated commands, sudo, sh -c, the builtins of the subset and the engine wrapping', () => {
    for (const cmd of [
      'systemctl is-active cron',
      wrap(become('systemctl stop cron')),
      wrap(become("shutdown -r 0 'Reboot initiated by tsplay'")),
      wrap(become('export DEBIAN_FRONTEND=noninteractive; apt-get update')),
      wrap(become('command -v kubeadm >/dev/null 2>&1 || { printf %s __TSPLAY_ENOENT__ >&2; exit 2; }; kubeadm upgrade plan')),
      'CONTAINER_RUNTIME_ENDPOINT=unix:///x crictl pods -q',
      'cat /proc/sys/kernel/random/boot_id',
      'whoami; id -un; hostname; uname -r',
      'false || echo "a b" && exit 3',
      "journalctl -u cron | grep -E -e 'a|b' | awk '{ n++ } END { print n + 0 }'",
      'echo a | cat; echo b',
      wrap(become(probe('/etc/hostname', { sum: true, content: true }))),
      'if [ -d /tmp ]; then echo d; else echo x; fi',
      'test -f x || stat -L -c %Y -- x; readlink y; sha1sum z; cat -- w',
    ]) expect(inProcess(cmd), cmd).toBe(true);
  });

  it('leaves everything else to a real shell', () => {
    for (const cmd of [
      ': $HOME; systemctl is-active cron',
      'journalctl -u cron | grep $$',
      'journalctl -u cron | grep "$(whoami)"',
      'journalctl -u cron | grep x > /tmp/x',
      'journalctl -u cron | grep x &',
      'journalctl -u cron | { grep x; }',
      '{ journalctl -u cron; } | grep x',
      'exit 1 | cat',
      'export A=1 | cat',
      'journalctl -u cron |',
      'journalctl -u cron | | cat',
      'systemctl is-active cron > /tmp/x',
      '/usr/bin/systemctl restart cron',
      '/snap/bin/microk8s status',
      'sudo -p prompt: systemctl stop cron',
      'sudo -u',
      'cd /tmp && systemctl is-active cron',
      'PATH=/usr/bin systemctl is-active cron',
      'TSPLAY_LAB_ROOT=1 systemctl stop cron',
      'NODE_OPTIONS=--x systemctl is-active cron',
      'echo "a\\nb"',
      'printf "%d" 3',
      'systemctl is-active *',
      'systemctl is-active cron &',
      'if true; then whoami; elif false; then id; fi',
      'if true; then whoami; fi > /tmp/x',
      'if true; then whoami',
      '[ -x /bin/sh ]',
      '[ -e a b ]',
      '[ -e x',
      'test -e ""',
      '[[ -e x ]]',
      "stat -c '%n' x",
      'stat x',
      'cat a b',
      'readlink -f x',
      'sha1sum -b x',
      '{ whoami; } }',
      'echo `whoami`',
      'whoami # comment',
      'sh -c whoami extra',
      'exec',
      'command -v no-such-program',
      'command -v /bin/ls',
      'date',
      'date +%s%N',
      'id -G',
    ]) expect(inProcess(cmd), cmd).toBe(false);
    expect(planExec('whoami', { ...env, NODE_OPTIONS: '--x' }, o())).toBeUndefined();
  });
});

describe('in process and through a real shell alike', () => {
  const both = async (cmd: string, o: { root?: boolean; stdin?: string } = {}) => {
    expect([inProcess(wrap(cmd)), inProcess(wrap(`: $HOME; ${cmd}`))], cmd).toEqual([true, false]);
    const fast = unmarked(await t.sh('k8s01', wrap(cmd), o));
    const slow = unmarked(await t.sh('k8s01', wrap(`: $HOME; ${cmd}`), o));
    expect(fast, cmd).toEqual(slow);
    return fast;
  };

  it('answers the builtins and shims', async () => {
    for (const cmd of [
      'true', 'false', 'exit 3', 'echo a  b', 'echo -n x', "printf '%s-%s|' a b c", 'printf %s', "printf '100%%'",
      'command -v systemctl', 'command -v echo', 'command -v sudo', 'whoami', 'sudo whoami', 'id', 'id -un', 'sudo id -u', 'id -n -g',
      'hostname', 'hostname -I', 'hostname other', 'uname -r', 'uname -a', 'uname --nodename', 'cat /proc/sys/kernel/random/boot_id',
      'cat -- /proc/sys/kernel/random/boot_id /proc/sys/kernel/random/boot_id', 'sudo', 'sudo -n -- whoami',
    ]) await both(cmd);
  });

  it('runs simulated commands with their output, status, root-ness and environment', async () => {
    for (const cmd of [
      `systemctl is-active ${KUBELITE}`, 'systemctl stop cron', 'systemctl is-enabled nope.service', 'systemctl show cron -p LoadState -p ActiveState',
      'apt-mark showhold', 'dpkg-query -W snapd', 'apt-cache policy snapd', 'snap list', 'microk8s status', 'crictl pods',
      'journalctl -u cron --since -600s --no-pager -o short-iso -q', 'journalctl -u cron --since nonsense',
      'export DEBIAN_FRONTEND=noninteractive; apt-get -s install snapd',
      'CONTAINER_RUNTIME_ENDPOINT=unix:///nowhere.sock crictl pods -q',
    ]) {
      await both(cmd);
      await both(become(cmd));
    }
    await both('reboot');
  });

  it('follows and-or lists, groups, redirections, exit and exec like dash', async () => {
    for (const cmd of [
      'false || echo fallback', 'true && echo yes || echo no', 'false && echo yes || echo no', '{ echo a; echo b >&2; } 2>&1', '{ echo a; echo b >&2; } >/dev/null',
      'echo x 1>&2', 'echo x >/dev/null 2>&1', 'echo a; exit 3; echo b', 'false; exit', 'sh -c "exit 5" || echo failed', 'exec systemctl is-active cron; echo never',
      '/bin/sh -c "whoami; exit 4"', become('whoami; exit 4'), "sudo -H -u root /bin/sh -c 'id -u && systemctl is-active cron'",
      'command -v crictl >/dev/null 2>&1 || { printf %s __TSPLAY_ENOENT__ >&2; exit 2; }; crictl --version',
      'command -v sh', 'command -v date && command -v env', "command -v sh >/dev/null 2>&1 || exit 2; sh -c 'cat /proc/sys/kernel/random/boot_id; uname -r'",
    ]) await both(cmd);
    // the reboot module's clock: the epoch seconds, as the real date prints them
    const before = Math.floor(Date.now() / 1000);
    const r = unmarked(await t.sh('k8s01', wrap("sh -c 'uname -r; date +%s'")));
    expect(inProcess(wrap("sh -c 'uname -r; date +%s'"))).toBe(true);
    const [, secs] = r.stdout.trim().split('\n');
    expect(Number(secs)).toBeGreaterThanOrEqual(before);
    expect(Number(secs)).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
  });

  it('runs a pipeline: the first command in process, the rest in a real shell on its output', async () => {
    await t.sh('k8s01', `systemctl restart ${KUBELITE}`, { root: true });
    const guard = (m: number) => `journalctl -u ${KUBELITE} --since -600s --no-pager -o short-iso -q | grep -E -e 'Started|Stopped' | awk -v m=${m} '{ b[NR % m] = $0 } END { print NR + 0; for (i = (NR > m ? NR - m + 1 : 1); i <= NR; i++) print b[i % m] }'`;
    for (const cmd of [
      guard(2), become(guard(20)), 'echo a b | tr a-z A-Z', "printf '%s|' x y | wc -c", 'systemctl is-active nope.service 2>&1 | cat', 'systemctl is-active nope.service | cat',
      'echo x >&2 | cat', 'echo x >/dev/null | wc -c', 'false | true', 'true | false', 'echo a | cat; echo b', '{ echo a 2>&1 | cat; } 2>&1', 'echo a | grep -q b || echo none',
      'sudo id -u | cat', 'dpkg-query -W snapd | cut -f1',
    ]) await both(cmd);
    expect((await both(guard(2))).stdout).toMatch(/^[1-9]\d*\n.+\n/);
  });

  it("answers the engine's path probes from the file system, as the shell user sees it", async () => {
    const root = t.lab.sim.nodes[0]!.dir;
    const d = join(root, 'probe');
    mkdirSync(join(d, 'dir'), { recursive: true });
    mkdirSync(join(d, 'closed'), { recursive: true });
    writeFileSync(join(d, 'file'), 'one\ntwo\n');
    writeFileSync(join(d, 'empty'), '');
    writeFileSync(join(d, 'secret'), 'x');
    writeFileSync(join(d, 'big'), Buffer.alloc(5 * 1024 * 1024, 'a'));
    writeFileSync(join(d, 'closed', 'inner'), 'y');
    chmodSync(join(d, 'secret'), 0o600);
    chmodSync(join(d, 'closed'), 0o700);
    symlinkSync('file', join(d, 'link'));
    symlinkSync('nowhere', join(d, 'dangling'));
    for (const name of ['file', 'empty', 'dir', 'link', 'dangling', 'missing', 'secret', 'closed/inner', 'missing/deeper']) {
      const p = join(d, name);
      for (const o of [{}, { sum: true }, { content: true }, { sum: true, follow: true }, { sum: true, content: true }]) {
        await both(probe(p, o));
        await both(become(probe(p, o)));
      }
    }
    for (const cmd of [
      '[ -d probe/dir ] && echo dir', 'test -L probe/link && echo link', 'if [ -e probe/closed/inner ]; then echo yes; else echo no; fi',
      'if false; then echo a; fi && echo after', 'if [ -e probe/missing ]; then echo a; else false; fi || echo failed', 'if true; then exit 4; fi; echo never',
      become('if [ -f probe/secret ]; then cat -- probe/secret; fi'), 'cat -- probe/closed/inner', 'sha1sum probe/dir',
    ]) await both(cmd);
    // answered from the file system where the shell user may look, else by the real program
    const reader = resolveShellUser();
    const answered = (cmd: string, ...args: string[]) => runFileCommand(fileCommand(cmd, args)!, root, reader) !== undefined;
    expect(['file', 'empty', 'dir', 'link'].map((n) => answered('stat', '-c', '%F|%a|%U', '--', `probe/${n}`))).toEqual([true, true, true, true]);
    expect([answered('sha1sum', '--', 'probe/file'), answered('cat', 'probe/link'), answered('readlink', '--', 'probe/link'), answered('readlink', 'probe/missing')]).toEqual([true, !reader, true, true]);
    expect([answered('stat', '-c', '%s', 'probe/missing'), answered('cat', 'probe/dir')]).toEqual([false, false]);
    // a file larger than the daemon reads whole (4 MiB) is the real program's, which streams it
    expect([answered('stat', '-c', '%s', 'probe/big'), answered('sha1sum', 'probe/big'), answered('cat', 'probe/big')]).toEqual([true, false, false]);
    await both('sha1sum -- probe/big');
    expect([fileTest('-e', 'probe/file', root, reader), fileTest('-f', 'probe/dir', root, reader), fileTest('-e', 'probe/missing/deeper', root, reader)]).toEqual([0, 1, 1]);
    if (reader) expect([answered('cat', 'probe/secret'), answered('stat', '-c', '%s', 'probe/closed/inner'), fileTest('-e', 'probe/closed/inner', root, reader)]).toEqual([false, false, undefined]);
    const absent = await both(probe(join(d, 'missing')));
    expect(absent.stdout).toBe('absent\n');
    const full = await both(probe(join(d, 'file'), { sum: true, content: true }));
    expect(full.stdout).toMatch(/^regular file\|644\|root\|root\|0\|0\|8\|\d+\n[0-9a-f]{40}  \S+\n__TSPLAY_CONTENT__\none\ntwo\n$/);
  });

  it('passes stdin to the tool that reads it', async () => {
    await both('dpkg --set-selections', { stdin: 'snapd hold\n' });
    await both(become('dpkg --set-selections'), { stdin: 'snapd hold\n' });
    expect((await both('apt-mark showhold')).stdout).toContain('snapd');
    await t.sh('k8s01', 'apt-mark unhold snapd', { root: true });
  });

  it('ends with the signal the client sends', async () => {
    await t.sh('k8s02', `systemctl stop ${KUBELITE}`, { root: true });
    try {
      for (const prefix of ['', ': $HOME; ']) {
        const c = await t.client('k8s02');
        const r = await new Promise<{ code: number | null; signal?: string }>((resolve, reject) => {
          c.exec(`${prefix}microk8s status --wait-ready --timeout 20`, (err, ch) => {
            if (err) return reject(err);
            ch.on('exit', (code: number | null, signal?: string) => resolve({ code, ...(signal ? { signal } : {}) }));
            ch.resume();
            ch.stderr.resume();
            setTimeout(() => ch.signal('TERM'), 300);
          });
        });
        expect(r, prefix).toEqual({ code: null, signal: 'SIGTERM' });
      }
    } finally {
      await t.sh('k8s02', `systemctl start ${KUBELITE}`, { root: true });
    }
  });
});
