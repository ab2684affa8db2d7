// ansible_ssh_common_args / extra_args: shell-word splitting, -o forms, flags, jump hosts
// (ProxyJump, ProxyCommand ssh -W), precedence like ansible + OpenSSH, and clear refusals.
import { describe, expect, it } from 'vitest';
import { parseSshArgs, splitShellWords } from '../../engine/connection/ssh-args.js';
import { resolveSshSettings } from '../../engine/connection/ssh-options.js';
import { parseProxyCommand, parseProxyJump } from '../../engine/connection/ssh-proxy.js';
import { connectionSpec } from '../../engine/connection/pool.js';

const env = { HOME: '/home/op', SSH_AUTH_SOCK: '/run/agent.sock' };
const settings = (vars: Record<string, unknown>, e: NodeJS.ProcessEnv = env) => resolveSshSettings(connectionSpec('n1', { ansible_host: '10.0.0.5', ...vars }), e);

describe('ssh argument parsing', () => {
  it('splits words like a shell', () => {
    expect(splitShellWords(`-o ProxyCommand="ssh -W %h:%p -i ~/.ssh/b.pem ubuntu@bastion" -o 'A=b c'`)).toEqual(['-o', 'ProxyCommand=ssh -W %h:%p -i ~/.ssh/b.pem ubuntu@bastion', '-o', 'A=b c']);
    expect(() => splitShellWords('-o "unclosed')).toThrow(/unbalanced/);
  });

  it('reads -o Key=Value, -oKey=Value, -o "Key Value", -o Key Value and flags', () => {
    const o = parseSshArgs('-o StrictHostKeyChecking=no -oConnectTimeout=5 -o "ServerAliveInterval 30" -o IdentitiesOnly yes -J jump -i /k -p 2200 -l bob -C -q');
    expect(o.map((x) => [x.key, x.value])).toEqual([
      ['stricthostkeychecking', 'no'], ['connecttimeout', '5'], ['serveraliveinterval', '30'], ['identitiesonly', 'yes'],
      ['proxyjump', 'jump'], ['identityfile', '/k'], ['port', '2200'], ['user', 'bob'], ['compression', 'yes'],
    ]);
  });

  it('parses ProxyJump lists and ProxyCommand ssh -W', () => {
    expect(parseProxyJump('ops@b1:2222,b2')).toEqual([{ address: 'b1', port: 2222, user: 'ops', options: [] }, { address: 'b2', options: [] }]);
    expect(parseProxyJump('ssh://[fe80::1]:22')).toEqual([{ address: 'fe80::1', port: 22, options: [] }]);
    const hops = parseProxyCommand('ssh -W %h:%p -q -i ~/.ssh/bastion-key.pem -p 2201 ubuntu@bastion.example.com');
    expect(hops).toHaveLength(1);
    expect(hops[0]).toMatchObject({ address: 'bastion.example.com', user: 'ubuntu', port: 2201 });
    expect(hops[0]?.options.map((o) => o.key)).toEqual(['identityfile', 'port']);
  });

  it('refuses ProxyCommands that are not the ssh -W form, naming them', () => {
    expect(() => parseProxyCommand('nc -x proxy:1080 %h %p')).toThrow(/ProxyCommand "nc -x proxy:1080 %h %p" is not supported: it does not run ssh/);
    expect(() => parseProxyCommand('ssh bastion nc %h %p')).toThrow(/unexpected remote command 'nc %h %p'/);
    expect(() => parseProxyCommand('ssh -W %h:22 bastion')).toThrow(/must be %h:%p/);
  });
});

describe('ssh settings resolution', () => {
  it('defaults: strict host key checking, ~/.ssh files, agent from SSH_AUTH_SOCK, 10 s connect timeout', () => {
    const s = settings({});
    expect(s).toMatchObject({ address: '10.0.0.5', port: 22, connectTimeoutMs: 10_000, agentSocket: '/run/agent.sock', jumps: [] });
    expect(s.hostKeys).toEqual({ strict: 'yes', userFiles: ['/home/op/.ssh/known_hosts', '/home/op/.ssh/known_hosts2'], globalFiles: ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'], hash: false });
  });

  it('honours the operator options', () => {
    const s = settings({ ansible_ssh_common_args: '-o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=accept-new -o ConnectTimeout=3 -o ServerAliveInterval=20 -o IdentitiesOnly=yes', ansible_ssh_extra_args: '-o ProxyJump=ops@bastion:2022' });
    expect(s.hostKeys.userFiles).toEqual(['/dev/null']);
    expect(s.hostKeys.strict).toBe('accept-new');
    expect(s.connectTimeoutMs).toBe(3000);
    expect(s.keepaliveIntervalMs).toBe(20_000);
    expect(s.identitiesOnly).toBe(true);
    expect(s.jumps).toEqual([expect.objectContaining({ address: 'bastion', port: 2022, user: 'ops', connectTimeoutMs: 3000 })]);
    expect(s.jumps[0]?.hostKeys.strict).toBe('accept-new');
  });

  it('lets ansible_port/ansible_user/key win over -p/-l/-i in the args, as ansible does', () => {
    const s = settings({ ansible_port: 2200, ansible_user: 'deploy', ansible_ssh_private_key_file: '/k1', ansible_ssh_common_args: '-p 9 -l nobody -i ~/k2' });
    expect(s).toMatchObject({ port: 2200, user: 'deploy', identityFiles: ['/k1', '/home/op/k2'] });
    const t = settings({ ansible_ssh_common_args: '-p 9 -l nobody' });
    expect(t).toMatchObject({ port: 9, user: 'nobody' });
  });

  it('maps ProxyCommand ssh -W to a jump with its own key first', () => {
    const s = settings({ ansible_ssh_private_key_file: '/k', ansible_ssh_common_args: `-o ProxyCommand="ssh -W %h:%p -i ~/.ssh/bastion-key.pem ubuntu@bastion.example.com"` });
    expect(s.jumps).toHaveLength(1);
    expect(s.jumps[0]).toMatchObject({ address: 'bastion.example.com', user: 'ubuntu', port: 22, identityFiles: ['/home/op/.ssh/bastion-key.pem', '/k'] });
  });

  it('turns checking off for host_key_checking=False and ANSIBLE_HOST_KEY_CHECKING=False', () => {
    expect(settings({ ansible_host_key_checking: 'false' }).hostKeys.strict).toBe('off');
    expect(settings({}, { ...env, ANSIBLE_HOST_KEY_CHECKING: 'False' }).hostKeys.strict).toBe('off');
    expect(settings({ ansible_ssh_common_args: '-o StrictHostKeyChecking=yes' }, { ...env, ANSIBLE_HOST_KEY_CHECKING: '0' }).hostKeys.strict).toBe('off');
  });

  it('ansible.cfg host_key_checking applies last: the host variable and the environment win over it', () => {
    const cfgOff = (vars: Record<string, unknown>, e: NodeJS.ProcessEnv = env) => resolveSshSettings(connectionSpec('n1', { ansible_host: '10.0.0.5', ...vars }, { hostKeyChecking: false }), e);
    expect(cfgOff({}).hostKeys.strict).toBe('off');
    expect(cfgOff({ ansible_host_key_checking: true }).hostKeys.strict).not.toBe('off');
    expect(cfgOff({}, { ...env, ANSIBLE_HOST_KEY_CHECKING: 'True' }).hostKeys.strict).not.toBe('off');
  });

  it('refuses options it cannot honour, by name', () => {
    expect(() => settings({ ansible_ssh_common_args: '-o Ciphers=aes128-ctr' })).toThrow(/ssh option -o Ciphers=aes128-ctr is not supported/);
    expect(() => settings({ ansible_ssh_common_args: '-L 8080:localhost:80' })).toThrow(/ssh option -L is not supported/);
    expect(() => settings({ ansible_ssh_common_args: '-o StrictHostKeyChecking=maybe' })).toThrow(/expected yes, accept-new or no/);
  });

  it('accepts options that need no action (ControlMaster, ControlPersist, LogLevel, BatchMode)', () => {
    expect(() => settings({ ansible_ssh_common_args: '-o ControlMaster=auto -o ControlPersist=60s -o LogLevel=ERROR -o BatchMode=yes' })).not.toThrow();
  });
});
