#!/usr/bin/env python3
# The `ansible-playbook` shim of the integration harness: runs the real ansible-playbook with the
# arguments it was given, then tsplay with the same arguments, environment and working directory,
# appends the comparison (exit code, PLAY RECAP per host) to $COMPAT_LOG, and answers the calling
# script with ansible-playbook's own output and exit code (so the script goes on as it would).
import json
import os
import re
import subprocess
import sys
import time

RECAP = re.compile(
    r'^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)')
KEYS = ('ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored')


def recap(text):
    """PLAY RECAP lines of a plain ansible-style log -> {host: {ok: .., ...}} (None: no recap)."""
    out, seen = {}, False
    for line in text.splitlines():
        if line.startswith('PLAY RECAP'):
            seen, out = True, {}
            continue
        m = RECAP.match(line) if seen else None
        if m:
            out[m.group(1)] = dict(zip(KEYS, map(int, m.groups()[1:])))
    return out if seen else None


def run(cmd, env, stdin, timeout):
    t0 = time.time()
    try:
        p = subprocess.run(cmd, env=env, input=stdin, capture_output=True, timeout=timeout)
        return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace'), time.time() - t0
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b'').decode('utf-8', 'replace')
        err = (e.stderr or b'').decode('utf-8', 'replace')
        return 'timeout', out, err, time.time() - t0


def main():
    args = sys.argv[1:]
    stdin = b'' if sys.stdin is None or sys.stdin.isatty() else sys.stdin.buffer.read()
    env = dict(os.environ)
    real = env.get('COMPAT_REAL_ANSIBLE_PLAYBOOK', '/usr/bin/ansible-playbook')
    env['PATH'] = env.get('COMPAT_ORIG_PATH', env['PATH'])
    a_rc, a_out, a_err, a_t = run([real] + args, env, stdin, int(env.get('COMPAT_TIMEOUT', '300')))
    tsplay = env.get('COMPAT_TSPLAY')
    rec = {'target': env.get('COMPAT_TARGET', ''), 'cwd': os.getcwd(), 'args': args,
           'env': {k: v for k, v in env.items() if k.startswith('ANSIBLE_') and k not in BASE_ENV},
           'ansible': {'rc': a_rc, 'recap': recap(a_out), 'secs': round(a_t, 2)}}
    if tsplay and not env.get('COMPAT_ANSIBLE_ONLY'):
        t_env = dict(env)
        t_env.setdefault('TSPLAY_OUTPUT', 'plain')
        t_rc, t_out, t_err, t_t = run(['node', tsplay, 'run'] + args, t_env, stdin, int(env.get('COMPAT_TIMEOUT', '300')))
        rec['tsplay'] = {'rc': t_rc, 'recap': recap(t_out), 'secs': round(t_t, 2),
                         'err': (t_err.strip().splitlines() or [''])[-12:]}
        rec['match'] = a_rc == t_rc and rec['ansible']['recap'] == rec['tsplay']['recap']
        if not rec['match'] and env.get('COMPAT_KEEP_OUTPUT'):
            rec['ansible']['out'] = a_out[-6000:]
            rec['tsplay']['out'] = t_out[-6000:]
    log = env.get('COMPAT_LOG')
    if log:
        with open(log, 'a') as f:
            f.write(json.dumps(rec) + '\n')
    sys.stdout.write(a_out)
    sys.stdout.flush()
    sys.stderr.write(a_err)
    sys.exit(a_rc if isinstance(a_rc, int) else 124)


# the harness's own environment (the same for every run): left out of each record
BASE_ENV = {'ANSIBLE_FORCE_COLOR', 'ANSIBLE_FORCE_HANDLERS', 'ANSIBLE_HOST_PATTERN_MISMATCH', 'ANSIBLE_INVENTORY',
            'ANSIBLE_DEPRECATION_WARNINGS', 'ANSIBLE_HOST_KEY_CHECKING', 'ANSIBLE_RETRY_FILES_ENABLED',
            'ANSIBLE_CONFIG', 'ANSIBLE_LIBRARY', 'ANSIBLE_DEVEL_WARNING', 'ANSIBLE_PLAYBOOK_DIR', 'ANSIBLE_ROLES_PATH',
            'ANSIBLE_NOCOLOR', 'ANSIBLE_CALLBACKS_ENABLED', 'ANSIBLE_SRC'}

if __name__ == '__main__':
    main()
