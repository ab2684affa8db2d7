// ~/.ssh/config (or -F FILE) as OpenSSH applies it under ansible: Host sections matching the name
// ssh is given (ansible_host), read after ansible's options and the operator's ssh args, so for each
// keyword those win; jump hosts get their own sections.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectionSpec } from '../../engine/connection/pool.js';
import { hostMatches } from '../../engine/connection/ssh-config.js';
import { resolveSshSettings } from '../../engine/connection/ssh-options.js';

const home = mkdtempSync(join(tmpdir(), 'tsplay-sshcfg-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
mkdirSync(join(home, '.ssh'));
writeFileSync(
  join(home, '.ssh', 'config'),
  `# defaults first apply only where nothing earlier set them
Host web? !web9
  HostName %h.internal.example
  User deploy
  Port 2222
  IdentityFile ~/.ssh/web_key
  ProxyJump ops@bastion:2200
  UserKnownHostsFile ~/.ssh/web_known
  StrictHostKeyChecking accept-new

Host bastion
  IdentityFile %d/.ssh/bastion_key
  SendEnv LANG

Host legacy
  ProxyCommand ssh -W %h:%p -q jump.example

Match host nothing
  User nobody

Host *
  User fallback
  ConnectTimeout 7
`,
);
writeFileSync(join(home, 'other_config'), 'Host *\n  User from-other-file\n');
const env = { HOME: home };
const settings = (host: string, vars: Record<string, unknown> = {}) => resolveSshSettings(connectionSpec(host, vars), env);

describe('ssh config', () => {
  it('matches Host patterns like OpenSSH (wildcards, negation)', () => {
    expect(hostMatches(['web?', '!web9'], 'web1')).toBe(true);
    expect(hostMatches(['web?', '!web9'], 'web9')).toBe(false);
    expect(hostMatches(['*'], 'anything')).toBe(true);
    expect(hostMatches(['db*'], 'web1')).toBe(false);
  });

  it('applies HostName, User, Port, IdentityFile, ProxyJump, UserKnownHostsFile and StrictHostKeyChecking of the matching sections', () => {
    const s = settings('web1');
    expect(s.address).toBe('web1.internal.example');
    expect(s.user).toBe('deploy');
    expect(s.port).toBe(2222);
    expect(s.identityFiles).toEqual([join(home, '.ssh', 'web_key')]);
    expect(s.hostKeys.userFiles).toEqual([join(home, '.ssh', 'web_known')]);
    expect(s.hostKeys.strict).toBe('accept-new');
    expect(s.connectTimeoutMs).toBe(7000);
    expect(s.jumps).toHaveLength(1);
    expect(s.jumps[0]).toMatchObject({ address: 'bastion', port: 2200, user: 'ops', identityFiles: [join(home, '.ssh', 'bastion_key')] });
  });

  it('ansible variables and the operator ssh args win over the file', () => {
    const s = settings('web1', { ansible_user: 'admin', ansible_port: 22, ansible_ssh_common_args: '-o StrictHostKeyChecking=no' });
    expect(s.user).toBe('admin');
    expect(s.port).toBe(22);
    expect(s.hostKeys.strict).toBe('no');
  });

  it('matches the address ansible connects to (ansible_host), skips Match sections and unused keywords', () => {
    const s = settings('web9', { ansible_host: 'db1' });
    expect(s.address).toBe('db1');
    expect(s.user).toBe('fallback');
    expect(s.port).toBe(22);
    expect(settings('legacy').jumps).toMatchObject([{ address: 'jump.example' }]);
  });

  it('-F FILE reads another file, -F none none', () => {
    expect(settings('web1', { ansible_ssh_common_args: `-F ${join(home, 'other_config')}` }).user).toBe('from-other-file');
    expect(settings('web1', { ansible_ssh_common_args: '-F none' }).address).toBe('web1');
  });
});
