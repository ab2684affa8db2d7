#!/usr/bin/env python3
"""Runs ansible-core's integration targets the way `ansible-test integration --local` does, with
ansible-playbook replaced by a shim (compare_run.py) that runs each playbook with both
ansible-playbook and tsplay and records whether exit code and PLAY RECAP per host match.

  ANSIBLE_SRC=/path/to/ansible (a stable-2.14 checkout)  TSPLAY=dist/engine/cli/main.js
  python3 scripts/compat/integration.py [TARGET...]      # default: the targets listed below
  python3 scripts/compat/integration.py --report LOG     # summarise an earlier log

Script targets run `runme.sh` in a copy of test/integration (a temporary directory); role
targets run the playbook ansible-test generates (hosts: testhost, gather_facts, the role).
Environment: COMPAT_WORK (workspace, default a temporary directory), COMPAT_LOG (JSON lines,
default $COMPAT_WORK/runs.jsonl), COMPAT_TIMEOUT (seconds per playbook run, default 300),
COMPAT_KEEP_OUTPUT=1 (keep both outputs of mismatching runs in the log).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))

# Targets about playbook semantics (no package managers, network services, Windows or clouds)
SCRIPT_TARGETS = """
any_errors_fatal assert blocks check_mode conditionals debug delegate_to environment handlers
hosts_field ignore_unreachable import_tasks include_import include_when_parent_is_dynamic
include_when_parent_is_static includes keyword_inheritance lookup_ini loop_control meta_tasks omit
order parsing play_iterator playbook register roles roles_var_inheritance set_fact special_vars_hosts
strategy_free strategy_linear tags template_jinja2_non_native templating_lookups test_core throttle
var_blending var_precedence var_reserved var_templating
""".split()
ROLE_TARGETS = """
add_host changed_when failed_when ignore_errors include_import_tasks_nested include_vars loop-until
loops groupby_filter dict_transformations lookup_config lookup_csvfile lookup_dict lookup_file
lookup_first_found lookup_indexed_items lookup_items lookup_lines lookup_list lookup_nested
lookup_pipe lookup_random_choice lookup_sequence lookup_subelements lookup_template lookup_together
lookup_varnames lookup_vars special_vars task_ordering templating undefined until var_inheritance
filter_urlsplit
""".split()

INVENTORY = """[testgroup]
testhost ansible_connection=local ansible_pipelining=yes ansible_python_interpreter={python}
"""


def base_env(work, integration_dir, tsplay, log):
    shim = os.path.join(work, 'shim')
    os.makedirs(shim, exist_ok=True)
    path = os.path.join(shim, 'ansible-playbook')
    with open(path, 'w') as f:
        f.write('#!/bin/sh\nexec python3 %s "$@"\n' % os.path.join(HERE, 'compare_run.py'))
    os.chmod(path, 0o755)
    cfg = os.path.join(work, 'ansible.cfg')
    open(cfg, 'w').close()
    env = dict(os.environ)
    env.update(
        COMPAT_ORIG_PATH=env['PATH'], PATH=shim + os.pathsep + env['PATH'],
        COMPAT_TSPLAY=tsplay, COMPAT_LOG=log,
        ANSIBLE_FORCE_COLOR='false', ANSIBLE_FORCE_HANDLERS='true', ANSIBLE_HOST_PATTERN_MISMATCH='error',
        ANSIBLE_INVENTORY='/dev/null', ANSIBLE_DEPRECATION_WARNINGS='false', ANSIBLE_HOST_KEY_CHECKING='false',
        ANSIBLE_RETRY_FILES_ENABLED='false', ANSIBLE_CONFIG=cfg, ANSIBLE_LIBRARY='/dev/null',
        ANSIBLE_DEVEL_WARNING='false', PAGER='/bin/cat',
        INVENTORY_PATH=os.path.join(integration_dir, 'inventory'),
    )
    return env


def run_target(name, kind, env, work, integration_dir, timeout):
    targets_dir = os.path.join(integration_dir, 'targets')
    out_dir = tempfile.mkdtemp(prefix='out-%s-' % name, dir=work)
    e = dict(env, COMPAT_TARGET=name, OUTPUT_DIR=out_dir)
    if kind == 'script':
        cwd = os.path.join(targets_dir, name)
        e['ANSIBLE_PLAYBOOK_DIR'] = cwd
        cmd = ['bash', './runme.sh', '-v']
    else:
        cwd = integration_dir
        pb = os.path.join(integration_dir, '%s-compat.yml' % name)
        gather = 'gather_facts/no/' not in open(os.path.join(targets_dir, name, 'aliases')).read() \
            if os.path.exists(os.path.join(targets_dir, name, 'aliases')) else True
        with open(pb, 'w') as f:
            json.dump([{'hosts': 'testhost', 'gather_facts': gather, 'vars_files': [],
                        'vars': {'output_dir': out_dir}, 'roles': [name]}], f, indent=4, sort_keys=True)
        e['ANSIBLE_PLAYBOOK_DIR'] = integration_dir
        e['ANSIBLE_ROLES_PATH'] = targets_dir
        cmd = ['ansible-playbook', os.path.basename(pb), '-i', 'inventory', '-v']
    try:
        p = subprocess.run(cmd, cwd=cwd, env=e, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
        rc = p.returncode
        tail = p.stderr.decode('utf-8', 'replace').strip().splitlines()[-3:]
    except subprocess.TimeoutExpired:
        rc, tail = 'timeout', []
    return rc, tail


def report(log):
    runs = [json.loads(line) for line in open(log)]
    by = defaultdict(lambda: [0, 0])
    for r in runs:
        if 'match' not in r:
            continue
        by[r['target']][1] += 1
        by[r['target']][0] += 1 if r['match'] else 0
    total = sum(v[1] for v in by.values())
    ok = sum(v[0] for v in by.values())
    for t in sorted(by):
        print('%-36s %3d/%-3d' % (t, by[t][0], by[t][1]))
    print('TOTAL %d/%d matching (%.1f%%)' % (ok, total, 100.0 * ok / max(total, 1)))


def main():
    argv = sys.argv[1:]
    if argv[:1] == ['--report']:
        return report(argv[1])
    src = os.environ.get('ANSIBLE_SRC')
    if not src:
        sys.exit('ANSIBLE_SRC: the path of an ansible stable-2.14 checkout')
    tsplay = os.path.abspath(os.environ.get('TSPLAY', 'dist/engine/cli/main.js'))
    work = os.environ.get('COMPAT_WORK') or tempfile.mkdtemp(prefix='compat-integration-')
    os.makedirs(work, exist_ok=True)
    work = os.path.abspath(work)
    integration_dir = os.path.join(work, 'test', 'integration')
    if os.path.exists(integration_dir):
        shutil.rmtree(integration_dir)
    shutil.copytree(os.path.join(src, 'test', 'integration'), integration_dir, symlinks=True)
    with open(os.path.join(integration_dir, 'inventory'), 'w') as f:
        f.write(INVENTORY.format(python=sys.executable))
    log = os.path.abspath(os.environ.get('COMPAT_LOG') or os.path.join(work, 'runs.jsonl'))
    env = base_env(work, integration_dir, tsplay, log)
    timeout = int(os.environ.get('COMPAT_TARGET_TIMEOUT', '1800'))
    names = argv or SCRIPT_TARGETS + ROLE_TARGETS
    for name in names:
        tdir = os.path.join(integration_dir, 'targets', name)
        kind = 'script' if os.path.exists(os.path.join(tdir, 'runme.sh')) else 'role'
        rc, tail = run_target(name, kind, env, work, integration_dir, timeout)
        print('%-36s %-6s rc=%s %s' % (name, kind, rc, ' | '.join(tail)[-200:] if rc else ''), flush=True)
    print('log:', log)
    report(log)


if __name__ == '__main__':
    main()
