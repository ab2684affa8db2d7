// The in-process dispatch (lab/dispatch): which exec requests it takes, and that each prints,
// returns and changes exactly what the same command run by a real shell through the shims does.
// `: $HOME; CMD` is the same command for sh but outside the subset, so it takes the shell path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planExec } from '../../lab/dispatch/channel.js';
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

const inProcess = (cmd: string) => planExec(cmd, { PATH: '/x', TSPLAY_LAB_USER: 'ubuntu' }, { sim: t.lab.sim, node: t.lab.sim.nodes[0]!, binDir: t.lab.paths.binDir, user: undefined }) !== undefined;

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
      'cat /etc/hostname',
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
      'if true; then whoami; fi',
      '{ whoami; } }',
      'echo `whoami`',
      'whoami # comment',
      'sh -c whoami extra',
      'exec',
      'command -v ls',
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
    ]) await both(cmd);
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
