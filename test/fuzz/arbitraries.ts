// Generators of hostile and broken input for the fuzz suite: YAML token soup, raw bytes, deep
// nesting, alias bombs, long lines, mutated playbooks, playbook structures with includes and
// roles that refer to themselves, expressions and templates built from the real filter and test
// tables, INI and YAML inventories, and command lines. Nothing generated here names a lookup or
// a module that changes a host: the CLI target runs what it generates.
import fc from 'fast-check';
import { stringify } from 'yaml';

const pick = <T>(xs: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...xs);

// ---------------------------------------------------------------- text and bytes

const HOSTILE_CHARS = ['\0', '\x01', '\x07', '\x1b', '\x7f', '\x85', '\x9b', '\ufeff', '\ufffe', '\u2028', '\ud800', '\udc80', '\t', '\r', '\r\n', '\v', '\f', 'é', '😀', '\u202e'];
const YAML_TOKENS = [
  '- ', ': ', '\n', '  ', '    ', '[', ']', '{', '}', ',', '&a ', '*a', '&b ', '*b', '<<: *a', '? ', '|\n', '>-\n', '---\n', '...\n',
  '!!python/object/apply:os.system ', '!!python/name:os.system ', '!foo ', '!unsafe ', '!vault ', '!!binary ', '!!set ', '!!omap ', '!', '!!str ', '!!int ',
  '"', "'", '# c', '%YAML 1.1\n', '%TAG ! tag:x,2000:\n', 'yes', 'no', 'on', '0x1F', '0o17', '1e400', '-.inf', '.nan', '~', 'null', '\\', '1:30', '2024-01-02',
  'hosts', 'tasks', 'name', 'vars', 'debug', 'msg', 'when', 'loop', 'block', 'rescue', 'roles', 'handlers', 'serial', 'include_tasks', 'import_tasks',
  '{{ x }}', '{{ ', ' }}', '{% if x %}', '{% endif %}', '{# c #}', 'all', 'localhost', 'x', 'key', '0', '-1', '99999999999999999999',
];

// Printable and hostile characters, any code point included.
export const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.array(fc.oneof(pick(HOSTILE_CHARS), fc.string({ maxLength: 8 })), { maxLength: 80 }).map((a) => a.join('')),
);

// Pieces of YAML syntax and Ansible words in any order.
export const yamlSoup = fc.array(fc.oneof({ weight: 9, arbitrary: pick(YAML_TOKENS) }, { weight: 1, arbitrary: pick(HOSTILE_CHARS) }), { maxLength: 250 }).map((a) => a.join(''));

// Deeply nested YAML: flow brackets, block sequences or indentation, on one line or many.
export const deepYaml = fc
  .record({ kind: pick(['flow-seq', 'flow-map', 'block-seq', 'indent', 'mixed'] as const), depth: fc.integer({ min: 50, max: 20_000 }), lines: fc.boolean(), closed: fc.boolean() })
  .map(({ kind, depth, lines, closed }) => {
    const nl = lines ? '\n' : '';
    if (kind === 'flow-seq') return `x: ${'['.repeat(1).concat(`${nl}[`.repeat(depth - 1))}${closed ? `${nl}]`.repeat(depth) : ''}\n`;
    if (kind === 'flow-map') return `x: ${`{a: ${nl}`.repeat(depth)}1${closed ? '}'.repeat(depth) : ''}\n`;
    if (kind === 'block-seq') return `x: ${'- '.repeat(Math.min(depth, 200_000))}y\n`;
    if (kind === 'indent') return `x:\n${Array.from({ length: Math.min(depth, 3000) }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')} 1\n`;
    return `x: ${'[{a: - '.repeat(Math.min(depth, 5000))}\n`;
  });

// "Billion laughs": anchors each aliasing the previous one several times.
export const aliasBomb = fc
  .record({ levels: fc.integer({ min: 1, max: 14 }), width: fc.integer({ min: 2, max: 12 }), where: pick(['top', 'vars', 'inventory'] as const) })
  .map(({ levels, width, where }) => {
    const ind = where === 'top' ? '' : where === 'vars' ? '    ' : '    ';
    const lines = [`${ind}a0: &a0 [${Array(width).fill('x').join(',')}]`];
    for (let i = 1; i < levels; i++) lines.push(`${ind}a${i}: &a${i} [${Array(width).fill(`*a${i - 1}`).join(',')}]`);
    if (where === 'top') return `${lines.join('\n')}\n`;
    if (where === 'vars') return `- hosts: all\n  vars:\n${lines.join('\n')}\n  tasks:\n    - debug: var=a${levels - 1}\n`;
    return `all:\n  vars:\n${lines.join('\n')}\n  hosts:\n    h1:\n`;
  });

// A line far longer than any real one.
export const longLine = fc
  .record({ n: fc.integer({ min: 1000, max: 2_500_000 }), ch: pick(['x', '[', '{', ' ', '"', '- ', '\\']) })
  .map(({ n, ch }) => `- hosts: all\n  tasks: []\n  vars:\n    v: ${ch.repeat(Math.ceil(n / ch.length))}\n`);

// Raw bytes (invalid UTF-8, a BOM, NULs) around a valid document.
export const rawBytes = fc
  .record({ head: fc.uint8Array({ maxLength: 40 }), body: fc.uint8Array({ maxLength: 300 }), bom: fc.boolean() })
  .map(({ head, body, bom }) => Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(head), Buffer.from('- hosts: all\n  tasks: []\n'), Buffer.from(body)]));

const SAMPLE_PLAYBOOKS = [
  '- hosts: all\n  gather_facts: false\n  vars:\n    a: 1\n  tasks:\n    - name: say\n      debug:\n        msg: "{{ a + 1 }}"\n      when: a is defined\n',
  '- hosts: all\n  tasks:\n    - block:\n        - debug: msg=hi\n      rescue:\n        - fail: msg=no\n      always:\n        - meta: noop\n  handlers:\n    - name: h\n      debug: msg=h\n',
  '- hosts: web\n  serial: "{{ s | default(1) }}"\n  roles:\n    - r1\n  tasks:\n    - set_fact: x="{{ [1,2] | map(\'string\') | list }}"\n      loop: "{{ range(3) | list }}"\n',
];

// A valid playbook with random edits (inserted tokens, deleted or repeated spans).
export const mutatedPlaybook = fc
  .record({
    base: pick(SAMPLE_PLAYBOOKS),
    edits: fc.array(fc.record({ at: fc.nat(), kind: pick(['insert', 'delete', 'repeat'] as const), token: fc.oneof(pick(YAML_TOKENS), pick(HOSTILE_CHARS)), len: fc.integer({ min: 1, max: 30 }), times: fc.integer({ min: 2, max: 400 }) }), { maxLength: 8 }),
  })
  .map(({ base, edits }) => {
    let s = base;
    for (const e of edits) {
      const i = e.at % (s.length + 1);
      if (e.kind === 'insert') s = s.slice(0, i) + e.token + s.slice(i);
      else if (e.kind === 'delete') s = s.slice(0, i) + s.slice(i + e.len);
      else s = s.slice(0, i) + s.slice(i, i + e.len).repeat(e.times) + s.slice(i + e.len);
    }
    return s;
  });

// Any YAML-ish source file, as text or bytes.
export const yamlFile: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { weight: 4, arbitrary: yamlSoup },
  { weight: 3, arbitrary: mutatedPlaybook },
  { weight: 2, arbitrary: anyText },
  { weight: 1, arbitrary: deepYaml },
  { weight: 1, arbitrary: aliasBomb },
  { weight: 1, arbitrary: rawBytes },
  { weight: 1, arbitrary: longLine },
);

// ---------------------------------------------------------------- expressions and templates

const NAMES = ['x', 'y', 's', 'l', 'd', 'n', 'f', 'big', 'deep', 'rec', 'a', 'b', 'missing', 'loop', 'item', 'omit', 'ns', 'true', 'None', 'hostvars', 'vars'];
const OPS = ['+', '-', '*', '/', '//', '%', '**', '~', '==', '!=', '<', '<=', '>', '>=', 'in', 'not in', 'and', 'or', 'is', '|'];
const METHODS = ['split', 'join', 'format', 'ljust', 'rjust', 'center', 'zfill', 'replace', 'startswith', 'upper', 'items', 'keys', 'get', 'count', 'index', 'strip', 'splitlines', 'expandtabs'];
const GLOBALS = ['range', 'dict', 'namespace', 'undef'];
const NUMBERS = ['0', '1', '-1', '3', '0.5', '1e3', '10**10', '2**64', '99999999999', '1e308', '0x10', '-0', '10**6', '100000'];
const STRINGS = ["''", "'a'", "'x' * 3", "'%s'", "'{0}'", "'%-9999999999s'", "'{:>100000000}'", "'(a+)+$'", "'(x+x+)+y'", "'a\\nb'", "'\\x00'", "'[[[['", "'{{ x }}'", '"-"'];

// Expression source text built from the real filters, tests and functions.
export function expressionArb(filters: string[], tests: string[], tame = false): fc.Arbitrary<string> {
  const { expr } = fc.letrec<{ expr: string }>((tie) => {
    const sub = tie('expr') as fc.Arbitrary<string>;
    const args = fc.array(sub, { maxLength: 3 }).map((a) => a.join(', '));
    return {
      expr: fc.oneof(
        { depthSize: 'small', maxDepth: 6, withCrossShrink: true },
        pick(NAMES),
        pick(NUMBERS),
        pick(STRINGS),
        fc.tuple(sub, pick(tame ? OPS.filter((o) => o !== 'is' && o !== '|') : OPS), sub).map(([a, o, b]) => (o === 'is' ? `${a} is ${b.replace(/\W/g, '') || 'defined'}` : o === '|' ? `${a} | ${b.replace(/\W/g, '') || 'string'}` : `${a} ${o} ${b}`)),
        fc.tuple(sub, pick(filters), args).map(([v, f, a]) => `${v} | ${f}(${a})`),
        fc.tuple(sub, pick(filters)).map(([v, f]) => `${v} | ${f}`),
        fc.tuple(sub, pick(tests), args).map(([v, t, a]) => `${v} is ${t}(${a})`),
        fc.tuple(pick(GLOBALS), args).map(([g, a]) => `${g}(${a})`),
        fc.tuple(sub, pick(METHODS), args).map(([v, m, a]) => `(${v}).${m}(${a})`),
        fc.tuple(sub, sub).map(([v, k]) => `${v}[${k}]`),
        fc.tuple(sub, fc.option(sub), fc.option(sub)).map(([v, a, b]) => `${v}[${a ?? ''}:${b ?? ''}]`),
        fc.tuple(sub, sub, sub).map(([a, c, b]) => `${a} if ${c} else ${b}`),
        fc.array(sub, { maxLength: 4 }).map((a) => `[${a.join(', ')}]`),
        fc.array(fc.tuple(sub, sub), { maxLength: 3 }).map((a) => `{${a.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
        sub.map((a) => `(${a})`),
        ...(tame
          ? []
          : [
              fc.tuple(fc.integer({ min: 1, max: 3000 }), pick(['(', '[', '-', 'not ', '(1, ', '[[', '{"a": '])).map(([n, o]) => `${o.repeat(n)}1`),
              fc.tuple(fc.integer({ min: 1, max: 3000 }), pick([' + 1', ' | string', '.x', '[0]', ' ~ s', ' and x'])).map(([n, o]) => `x${o.repeat(n)}`),
            ]),
      ),
    };
  });
  return expr;
}

// A template: text, {{ }}, if/for/set statements (nested), and raw markers.
export function templateArb(expr: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const { tpl } = fc.letrec<{ tpl: string }>((tie) => {
    const body = fc.array(tie('tpl') as fc.Arbitrary<string>, { maxLength: 3 }).map((a) => a.join(''));
    return {
      tpl: fc.oneof(
        { depthSize: 'small', maxDepth: 5, withCrossShrink: true },
        fc.string({ maxLength: 10 }),
        expr.map((e) => `{{ ${e} }}`),
        fc.tuple(expr, body).map(([c, b]) => `{% if ${c} %}${b}{% endif %}`),
        fc.tuple(expr, body).map(([c, b]) => `{% for i in ${c} %}${b}{% endfor %}`),
        fc.tuple(pick(['x', 'ns.v', 'i']), expr).map(([t, e]) => `{% set ${t} = ${e} %}`),
        fc.integer({ min: 1, max: 2000 }).map((n) => `${'{% if true %}'.repeat(n)}x${'{% endif %}'.repeat(n)}`),
        pick(['{{', '}}', '{%', '%}', '{#', '{% raw %}', '{% endraw %}', '{% for %}', '{{ }}', '{{ x }', '{% set %}', '{% macro m() %}']),
      ),
    };
  });
  return tpl;
}

// ---------------------------------------------------------------- playbooks

const SAFE_ACTIONS = ['debug', 'set_fact', 'assert', 'fail', 'meta', 'include_tasks', 'import_tasks', 'include_role', 'import_role', 'include_vars', 'pause'];
const OTHER_ACTIONS = ['command', 'shell', 'copy', 'template', 'lineinfile', 'replace', 'blockinfile', 'file', 'systemd', 'apt', 'kubectl', 'reboot', 'wait_for', 'stat', 'bogus_module', 'ansible.builtin.debug'];
const KEYWORDS = ['when', 'loop', 'with_items', 'register', 'notify', 'tags', 'ignore_errors', 'changed_when', 'failed_when', 'until', 'retries', 'delay', 'run_once', 'delegate_to', 'become', 'vars', 'no_log', 'throttle', 'any_errors_fatal', 'guard', 'confirm', 'loop_control', 'environment', 'check_mode', 'bogus_keyword'];
const FILES = ['a.yml', 'b.yml', 'self.yml', 'missing.yml', '{{ f }}.yml', '/etc/passwd', '../x.yml', ''];
const ROLES = ['r1', 'r2', 'missing_role', '{{ r }}'];

// A value a playbook may hold: scalars, templates, lists, mappings.
function valueArb(expr: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  const { v } = fc.letrec<{ v: unknown }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small', maxDepth: 3 },
      fc.string({ maxLength: 12 }),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.double(),
      expr.map((e) => `{{ ${e} }}`),
      expr,
      fc.array(tie('v'), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 6 }), tie('v'), { maxKeys: 3 }),
    ),
  }));
  return v;
}

// One task (or block), its action chosen among safe ones (or any, for validation only).
function taskArb(expr: fc.Arbitrary<string>, anyAction: boolean): fc.Arbitrary<Record<string, unknown>> {
  const value = valueArb(expr);
  const action = anyAction ? fc.oneof(pick(SAFE_ACTIONS), pick(OTHER_ACTIONS)) : pick(SAFE_ACTIONS.filter((a) => a !== 'pause'));
  const args = fc.oneof(
    fc.dictionary(pick(['msg', 'var', 'that', 'name', 'file', 'path', 'line', 'regexp', 'validate', 'src', 'dest', 'cmd', 'state', 'tasks_from', 'apply', 'x', 'verbosity', 'seconds']), value, { maxKeys: 4 }),
    pick(FILES),
    pick(ROLES).map((r) => ({ name: r })),
    expr.map((e) => `msg="{{ ${e} }}"`),
    fc.string({ maxLength: 30 }),
  );
  return fc
    .record({ name: fc.option(value, { nil: undefined }), action, args, kws: fc.dictionary(pick(KEYWORDS), value, { maxKeys: 3 }) })
    .map(({ name, action: a, args: x, kws }) => {
      const t: Record<string, unknown> = { ...kws };
      if (name !== undefined) t['name'] = name;
      if (a === 'include_role' || a === 'import_role') t[a] = typeof x === 'object' && x !== null && !Array.isArray(x) ? x : { name: String(x) };
      else if (a === 'meta') t[a] = typeof x === 'string' && ['noop', 'flush_handlers', 'end_play', 'end_host', 'end_batch', 'clear_facts', 'bogus'].includes(x) ? x : 'noop';
      else t[a] = x;
      if (!anyAction) for (const k of ['become', 'delegate_to', 'environment', 'confirm', 'guard', 'check_mode', 'until', 'retries', 'delay', 'throttle']) delete t[k];
      return t;
    });
}

// A task list, some entries blocks with rescue/always.
function taskListArb(expr: fc.Arbitrary<string>, anyAction: boolean): fc.Arbitrary<unknown[]> {
  const task = taskArb(expr, anyAction);
  const block = fc.record({ block: fc.array(task, { maxLength: 3 }), rescue: fc.array(task, { maxLength: 2 }), always: fc.array(task, { maxLength: 2 }) }, { requiredKeys: ['block'] });
  return fc.array(fc.oneof({ weight: 4, arbitrary: task }, { weight: 1, arbitrary: block }), { maxLength: 5 });
}

export interface PlaybookTree {
  /** files relative to a fresh directory: the playbook is `main.yml` */
  files: Record<string, string>;
}

// A playbook with task files and roles that import or include each other (and themselves).
export function playbookTreeArb(expr: fc.Arbitrary<string>, anyAction = true): fc.Arbitrary<PlaybookTree> {
  const tasks = taskListArb(expr, anyAction);
  const value = valueArb(expr);
  const play = fc.record(
    {
      hosts: fc.oneof(pick(['all', 'localhost', 'web', 'all:!web', '~(a+)+$', 'web[0]', 'nope', '{{ h }}']), fc.string({ maxLength: 10 })),
      gather_facts: fc.constant(false),
      serial: fc.oneof(fc.integer({ min: -3, max: 5 }), pick(['50%', '{{ s }}', 'x', '0%']), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 })),
      vars: fc.dictionary(pick(['a', 'b', 's', 'f', 'r', 'h', 'x', 'rec']), value, { maxKeys: 4 }),
      tasks,
      pre_tasks: tasks,
      handlers: tasks,
      roles: fc.array(fc.oneof(pick(ROLES), pick(ROLES).map((role) => ({ role }))), { maxLength: 2 }),
      max_fail_percentage: fc.oneof(fc.integer({ min: -10, max: 200 }), pick(['x', '{{ a }}'])),
      order: pick(['inventory', 'sorted', 'shuffle', 'bogus']),
      bogus: value,
    },
    { requiredKeys: ['hosts', 'gather_facts'] },
  );
  const text = (v: unknown): fc.Arbitrary<string> => fc.oneof({ weight: 5, arbitrary: fc.constant(stringify(v)) }, { weight: 1, arbitrary: mutatedPlaybook });
  return fc
    .record({
      plays: fc.array(play, { minLength: 1, maxLength: 2 }),
      a: tasks,
      b: tasks,
      self: tasks,
      r1: tasks,
      r2: tasks,
      r1meta: fc.array(fc.oneof(pick(ROLES), fc.constant('r1')), { maxLength: 2 }),
      importPlaybook: fc.boolean(),
    })
    .chain((g) =>
      fc
        .record({
          main: text(g.importPlaybook ? [...g.plays, { import_playbook: 'main.yml' }] : g.plays),
          a: text(g.a),
          b: text([...g.b, { import_tasks: 'a.yml' }]),
          self: text([...g.self, { include_tasks: 'self.yml' }]),
          r1: text([...g.r1, { import_role: { name: 'r2' } }]),
          r2: text([...g.r2, { include_role: { name: 'r1' } }]),
          r1meta: fc.constant(stringify({ dependencies: g.r1meta })),
        })
        .map((t) => ({
          files: { 'main.yml': t.main, 'a.yml': t.a, 'b.yml': t.b, 'self.yml': t.self, 'roles/r1/tasks/main.yml': t.r1, 'roles/r1/meta/main.yml': t.r1meta, 'roles/r2/tasks/main.yml': t.r2 },
        })),
    );
}

// ---------------------------------------------------------------- inventories

const HOST_NAMES = ['h1', 'h2', 'web[1:3]', 'db[a:c]', 'k8s[01:03]', 'h[1:99999999]', 'x[1:5:0]', 'x[0:3:-1]', 'h[1:1000][1:1000]', '[::1]', '10.0.0.[1:4]', 'h:22', 'h:99999', 'localhost', 'é', '-bad', 'a b', '$(id)', '`id`', "h'1"];
const INI_VALUES = ['1', 'yes', '"quoted"', "'single'", '[1, 2]', '{"a": 1}', '99999', '-1', 'local', '$(touch /tmp/x)', '[[[[[[[[', '\\', '#', '{{ x }}', 'None', '1e400', '0x10'];
const INI_KEYS = ['ansible_port', 'ansible_host', 'ansible_connection', 'ansible_user', 'x', 'ansible_become_flags', 'ansible_python_interpreter', 'a-b', '1x'];

// An INI inventory line by line: sections, host lines with ranges and vars, and junk.
export const iniInventory = fc
  .array(
    fc.oneof(
      pick(['[web]', '[db:vars]', '[all:children]', '[web:children]', '[all:vars]', '[ungrouped]', '[x:bogus]', '[', '[]', '[a b]', '# comment', '; c', '']),
      fc.tuple(pick(HOST_NAMES), fc.array(fc.tuple(pick(INI_KEYS), fc.oneof(pick(INI_VALUES), fc.string({ maxLength: 8 }))), { maxLength: 3 })).map(([h, kv]) => [h, ...kv.map(([k, v]) => `${k}=${v}`)].join(' ')),
      fc.tuple(pick(INI_KEYS), pick(INI_VALUES)).map(([k, v]) => `${k}=${v}`),
      fc.tuple(fc.integer({ min: 1, max: 5000 }), pick(['[', '{"a": ', '(', '[1, '])).map(([n, o]) => `h1 x=${o.repeat(n)}`),
      pick(['web', 'db', 'all', 'web:children']),
      anyText,
    ),
    { maxLength: 30 },
  )
  .map((lines) => lines.join('\n'));

// A YAML inventory: groups with hosts, vars and children (cycles included), or junk.
export const yamlInventory = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({
        groups: fc.dictionary(
          pick(['all', 'web', 'db', 'k8s', 'ungrouped', 'g1', '0bad', '_meta', 'plugin']),
          fc.record(
            {
              hosts: fc.oneof(fc.dictionary(pick(HOST_NAMES), fc.oneof(fc.constant(null), fc.dictionary(pick(INI_KEYS), fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), pick(INI_VALUES)), { maxKeys: 3 })), { maxKeys: 4 }), fc.array(pick(HOST_NAMES), { maxLength: 3 }), fc.string({ maxLength: 5 })),
              vars: fc.oneof(fc.dictionary(pick(INI_KEYS), fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.array(fc.integer(), { maxLength: 3 })), { maxKeys: 3 }), fc.constant('x')),
              children: fc.oneof(fc.dictionary(pick(['web', 'db', 'all', 'g1', 'k8s']), fc.constant(null), { maxKeys: 3 }), fc.array(pick(['web', 'db']), { maxLength: 2 })),
            },
            { requiredKeys: [] },
          ),
          { maxKeys: 5 },
        ),
      })
      .map(({ groups }) => stringify(groups)),
  },
  { weight: 1, arbitrary: aliasBomb.map((b) => b) },
  { weight: 1, arbitrary: yamlSoup },
  { weight: 1, arbitrary: deepYaml },
  { weight: 1, arbitrary: fc.constant('{"_meta": {"hostvars": {"h1": {"a": 1}}}, "web": {"hosts": ["h1"], "children": ["web"]}}') },
);

// ---------------------------------------------------------------- command lines

const FLAG_VALUES = ['0', '-1', 'abc', '99999999999999999999', '1e3', ' 5', '', '5', '2147484', 'x'.repeat(300), '\x1b[31m', 'all', '~(a+)+$', 'web[0]', 'web[1:]', '!web', '&db', 'tag1,tag2', '@vars.yml', '@/dev/zero', '@missing', '{"a": 1}', 'a=1 b=2', 'a="1', '[1, 2]', '{{ x }}', 'local', 'ssh', 'json', 'plain', 'tui', 'bogus', 'reboot-undrained'];
const VALUE_FLAGS = ['-f', '-T', '-e', '-l', '-t', '--skip-tags', '--output', '-u', '--become-user', '--private-key', '--host', '--allow-unsafe', '--resume-run', '--graph'];
const BOOL_FLAGS = ['-C', '-D', '-v', '-vvv', '--list-tasks', '--list-hosts', '--list-tags', '--syntax-check', '--graph', '--list', '--json', '--force-handlers', '--yes', '--step', '--resume', '--break-lock', '-h', '-V'];

// Flags as a user would write them (a flag and its value) with hostile values, and some junk.
const cliFlags = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.tuple(pick(VALUE_FLAGS), fc.oneof(pick(FLAG_VALUES), fc.string({ maxLength: 12 }))) },
      { weight: 3, arbitrary: pick(BOOL_FLAGS).map((f) => [f]) },
      { weight: 1, arbitrary: fc.oneof(pick(['--bogus', '-Z', '--', '-i', '-f']), fc.string({ maxLength: 10 })).map((f) => [f]) },
    ),
    { maxLength: 4 },
  )
  .map((a) => a.flat());

// A playbook that validates (most of the time) so that it runs: debug, set_fact, assert, fail,
// loops, blocks and includes whose values are generated expressions — the run-time side.
export function runnableTreeArb(expr: fc.Arbitrary<string>): fc.Arbitrary<PlaybookTree> {
  const t = (e: string) => JSON.stringify(`{{ ${e} }}`);
  const task = fc.oneof(
    expr.map((e) => `    - debug:\n        msg: ${t(e)}\n`),
    expr.map((e) => `    - set_fact:\n        a: ${t(e)}\n`),
    expr.map((e) => `    - assert:\n        that: ${JSON.stringify(e)}\n      ignore_errors: true\n`),
    expr.map((e) => `    - debug: var=item\n      loop: ${t(e)}\n`),
    expr.map((e) => `    - debug: msg=x\n      when: ${JSON.stringify(e)}\n`),
    expr.map((e) => `    - fail:\n        msg: ${t(e)}\n      ignore_errors: ${t(e)}\n`),
    expr.map((e) => `    - block:\n        - debug:\n            msg: ${t(e)}\n      rescue:\n        - debug: msg=rescued\n`),
    expr.map((e) => `    - include_tasks: inc.yml\n      vars:\n        v: ${t(e)}\n`),
    fc.constant('    - include_tasks: self.yml\n'),
    fc.constant('    - include_role: name=r1\n'),
  );
  return fc
    .record({ tasks: fc.array(task, { minLength: 1, maxLength: 5 }), vars: fc.array(expr, { maxLength: 3 }), inc: fc.array(task, { maxLength: 3 }) })
    .map(({ tasks, vars, inc }) => ({
      files: {
        'main.yml': `- hosts: all\n  gather_facts: false\n  vars:\n${vars.map((e, i) => `    v${i}: ${t(e)}\n`).join('')}    x: 1\n  tasks:\n${tasks.join('')}`,
        'inc.yml': inc.join('').replace(/^ {4}/gm, '') || '- debug: msg=inc\n',
        'self.yml': '- debug: msg=self\n- include_tasks: self.yml\n',
        'roles/r1/tasks/main.yml': '- include_role: name=r1\n',
      },
    }));
}

export interface CliCase {
  command: string;
  flags: string[];
  /** the playbook is a generated safe tree, or junk text */
  tree: PlaybookTree;
  inventory: string;
  inventoryKind: 'ini' | 'yml' | 'list';
}

// A command line (run, validate, plan, inventory, modules, runs, help, junk) with hostile flag values.
export function cliArb(expr: fc.Arbitrary<string>, tameExpr: fc.Arbitrary<string> = expr): fc.Arbitrary<CliCase> {
  return fc.record({
    command: pick(['run', 'run', 'validate', 'plan', 'inventory', 'modules', 'runs', 'help', 'bogus', '']),
    flags: cliFlags,
    tree: fc.oneof(playbookTreeArb(expr, false), runnableTreeArb(tameExpr), runnableTreeArb(tameExpr)),
    inventory: fc.oneof(iniInventory, yamlInventory),
    inventoryKind: pick(['ini', 'yml', 'list', 'list', 'list'] as const),
  });
}
