#!/usr/bin/env python3
"""Print the case list (markdown) from the case headers: name, variants, first '# Demonstrates:' line.

Usage: python3 tools/list_cases.py   (used to refresh the case list in README.md)
"""
import os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle import CASES, all_cases, header, variants, oraclebug  # noqa: E402

GROUPS = [
    ('t', 'Basics, recap, exit codes, host matching'), ('s', 'Serial, batches, failures, run_once, meta end_*, strategy'),
    ('h', 'Handlers'), ('c', 'Check and diff mode'), ('g', 'Tags'), ('r', 'Results, conditionals, retries, blocks (document ids)'),
    ('u', 'Unreachable hosts and exit codes'), ('blk', 'Blocks'), ('inc', 'include/import'), ('role', 'Roles'),
    ('var', 'Variables and precedence'), ('loop', 'Loops'), ('mod', 'Modules'), ('tpl', 'Templates (tpl_: keep trivial)'),
    ('f', 'Facts'), ('lim', 'Host patterns and --limit'), ('nolog', 'no_log'), ('env', 'environment'),
    ('flt', 'Expressions: filters, tests, lookups'), ('e', 'Errors (parse / option / runtime)'),
    ('cmp', 'Content written for Ansible (issue 13): what Ansible defers, names, options'),
]


def group_of(name):
    m = re.match(r'([a-z]+)', name)
    p = m.group(1)
    return p


def main():
    out = []
    cases = all_cases()
    for prefix, title in GROUPS:
        rows = [c for c in cases if group_of(c) == prefix]
        if not rows:
            continue
        out.append(f"\n### {title}\n")
        for c in rows:
            path = os.path.join(CASES, c)
            demo = ''
            for line in header(path):
                m = re.match(r'#\s*Demonstrates:\s*(.*)$', line)
                if m:
                    demo = m.group(1).strip()
            vs = variants(path)
            vtxt = '; '.join(f"`{v}`" if v else '(none)' for v in vs)
            bug = oraclebug(path)
            extra = f" **[oracle bug, skipped: {bug}]**" if bug else ''
            demo = demo.rstrip(';,. ')
            out.append(f"- `{c[:-4]}` — {demo}. Variants: {vtxt}.{extra}")
    left = [c for c in cases if group_of(c) not in {p for p, _ in GROUPS}]
    if left:
        out.append('\n### Other\n')
        out += [f"- `{c[:-4]}`" for c in left]
    print('\n'.join(out))


if __name__ == '__main__':
    main()
