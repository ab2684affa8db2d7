#!/usr/bin/env python3
"""Loads public playbooks with both engines: `--syntax-check` (and optionally `--list-tasks`) with
ansible-playbook and with tsplay, and counts, of the playbooks ansible-playbook accepts, those
tsplay accepts too (and, with --list-tasks, whose listings match).

  PUBLIC_DIRS=/path/a:/path/b  TSPLAY=dist/engine/cli/main.js
  python3 scripts/compat/public.py [--list-tasks] [--only SUBSTRING] [--json OUT]

Each directory of PUBLIC_DIRS is a checked-out repository; each subdirectory of a directory
named in PUBLIC_PARENTS is one too. A playbook is a YAML file (outside roles' own folders, vars
and inventories) whose top level is a list of plays or playbook imports. Each runs from the
nearest folder up to the repository root that holds an ansible.cfg, else from its own folder.
Repositories that are roles (tasks/ or meta/main.yml at the root) are linked into one roles folder
under their galaxy names (namespace.role) and ANSIBLE_ROLES_PATH points there, as molecule does;
repositories that are collections (galaxy.yml) are linked under ansible_collections/NS/NAME and
ANSIBLE_COLLECTIONS_PATH points there, for both engines.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

SKIP_DIRS = {'.git', 'node_modules', 'group_vars', 'host_vars', 'vars', 'defaults', 'tasks', 'handlers',
             'meta', 'templates', 'files', '.github', '.gitlab', 'venv', '.venv', 'library', 'filter_plugins',
             'module_utils', 'plugins', 'changelogs'}
PLAY_KEYS = {'hosts', 'import_playbook', 'ansible.builtin.import_playbook', 'include'}


class Loader(yaml.SafeLoader):
    pass


Loader.add_multi_constructor('!', lambda loader, suffix, node: None)


def is_playbook(path):
    try:
        with open(path, encoding='utf-8') as f:
            data = yaml.load(f, Loader=Loader)
    except Exception:
        return False
    return isinstance(data, list) and len(data) > 0 and all(
        isinstance(p, dict) and PLAY_KEYS & set(p) for p in data)


def playbooks(repo):
    for root, dirs, files in os.walk(repo):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith('.'))
        if 'inventory' in os.path.basename(root) or 'inventories' in root.split(os.sep):
            continue
        for f in sorted(files):
            if f.endswith(('.yml', '.yaml')) and is_playbook(os.path.join(root, f)):
                yield os.path.join(root, f)


def run_dir(repo, pb):
    d = os.path.dirname(pb)
    while True:
        if os.path.exists(os.path.join(d, 'ansible.cfg')):
            return d
        if os.path.samefile(d, repo) or d == '/':
            return os.path.dirname(pb)
        d = os.path.dirname(d)


def galaxy_name(repo):
    try:
        meta = yaml.load(open(os.path.join(repo, 'meta', 'main.yml')), Loader=Loader) or {}
        gi = meta.get('galaxy_info') or {}
        ns = gi.get('namespace') or gi.get('author')
        name = gi.get('role_name')
        if ns and name:
            return '%s.%s' % (ns, name)
    except Exception:
        pass
    base = os.path.basename(repo).split('+')
    owner, name = (base[0], base[-1]) if len(base) > 1 else ('local', base[0])
    return '%s.%s' % (owner, re.sub(r'^ansible[-_]role[-_]', '', name))


def collection_name(repo):
    """(namespace, name) of a repository that is a collection (galaxy.yml at its root), else None."""
    try:
        g = yaml.load(open(os.path.join(repo, 'galaxy.yml')), Loader=Loader) or {}
        return (g['namespace'], g['name']) if g.get('namespace') and g.get('name') else None
    except Exception:
        return None


def is_role(repo):
    return os.path.isdir(os.path.join(repo, 'tasks')) or os.path.exists(os.path.join(repo, 'meta', 'main.yml'))


def run(cmd, cwd, env, timeout=300):
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
        return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')
    except subprocess.TimeoutExpired:
        return 'timeout', '', ''


def tasks_listing(out):
    """--list-tasks output reduced to its play and task lines (whitespace normalised)."""
    keep = []
    for line in out.splitlines():
        s = ' '.join(line.split())
        if s.startswith('play #') or (s and line.startswith('      ')):
            keep.append(s)
    return keep


def main():
    argv = sys.argv[1:]
    list_tasks = '--list-tasks' in argv
    only = argv[argv.index('--only') + 1] if '--only' in argv else None
    out_json = argv[argv.index('--json') + 1] if '--json' in argv else None
    tsplay = os.path.abspath(os.environ.get('TSPLAY', 'dist/engine/cli/main.js'))
    repos = [d for d in os.environ.get('PUBLIC_DIRS', '').split(':') if d]
    for parent in [d for d in os.environ.get('PUBLIC_PARENTS', '').split(':') if d]:
        repos += [os.path.join(parent, d) for d in sorted(os.listdir(parent)) if os.path.isdir(os.path.join(parent, d))]
    links = tempfile.mkdtemp(prefix='compat-roles-')
    colls = tempfile.mkdtemp(prefix='compat-collections-')
    for r in repos:
        if is_role(r):
            dst = os.path.join(links, galaxy_name(r))
            if not os.path.exists(dst):
                os.symlink(os.path.abspath(r), dst)
        coll = collection_name(r)
        if coll:
            dst = os.path.join(colls, 'ansible_collections', *coll)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            if not os.path.exists(dst):
                os.symlink(os.path.abspath(r), dst)
    results = []
    for repo in repos:
        env = dict(os.environ, ANSIBLE_NOCOLOR='1', ANSIBLE_DEPRECATION_WARNINGS='false', TSPLAY_OUTPUT='plain')
        # repositories that are collections are installed for both, as `ansible-galaxy collection install` would
        env['ANSIBLE_COLLECTIONS_PATH'] = os.pathsep.join([colls] + [p for p in [os.environ.get('ANSIBLE_COLLECTIONS_PATH')] if p])
        if is_role(repo):
            env['ANSIBLE_ROLES_PATH'] = links
        for pb in playbooks(repo):
            rel = os.path.relpath(pb, os.path.dirname(repo))
            if only and only not in rel:
                continue
            cwd = run_dir(repo, pb)
            p = os.path.relpath(pb, cwd)
            mode = ['--list-tasks'] if list_tasks else ['--syntax-check']
            a_rc, a_out, a_err = run(['ansible-playbook', p, '-i', 'localhost,'] + mode, cwd, env)
            t_rc, t_out, t_err = run(['node', tsplay, 'run', p, '-i', 'localhost,'] + mode, cwd, env)
            r = {'repo': os.path.basename(repo), 'playbook': rel, 'ansible_rc': a_rc, 'tsplay_rc': t_rc,
                 'tsplay_err': [l for l in t_err.splitlines() if l.strip()][:6]}
            if list_tasks and a_rc == 0 and t_rc == 0:
                a_l, t_l = tasks_listing(a_out), tasks_listing(t_out)
                r['listing_match'] = a_l == t_l
                if a_l != t_l:
                    r['listing_diff'] = [x for x in zip(a_l, t_l) if x[0] != x[1]][:3] + [len(a_l), len(t_l)]
            results.append(r)
            flag = 'ok ' if a_rc != 0 or t_rc == 0 else 'BAD'
            print('%s ansible=%s tsplay=%s %s %s' % (flag, a_rc, t_rc, rel, (r['tsplay_err'][:2] if flag == 'BAD' else '')), flush=True)
    accepted = [r for r in results if r['ansible_rc'] == 0]
    loads = [r for r in accepted if r['tsplay_rc'] == 0]
    by_repo = {}
    for r in accepted:
        v = by_repo.setdefault(r['repo'], [0, 0])
        v[1] += 1
        v[0] += 1 if r['tsplay_rc'] == 0 else 0
    for k in sorted(by_repo):
        print('%-48s %3d/%-3d' % (k, by_repo[k][0], by_repo[k][1]))
    print('playbooks found: %d; ansible-playbook accepts %d; tsplay accepts %d of those (%.1f%%)' % (
        len(results), len(accepted), len(loads), 100.0 * len(loads) / max(len(accepted), 1)))
    if list_tasks:
        m = [r for r in loads if r.get('listing_match')]
        print('--list-tasks listings equal: %d of %d' % (len(m), len(loads)))
    if out_json:
        json.dump(results, open(out_json, 'w'), indent=1)


if __name__ == '__main__':
    main()
