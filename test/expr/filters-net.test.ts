// ansible.utils IP filters, json_query, urlsplit and same_file; expected values recorded with
// ansible-core 2.14.18 and ansible.utils (Debian 12's ansible package) on the same expressions.
import { describe, expect, it } from 'vitest';
import { compileExpression, evaluate } from '../../engine/expr/index.js';
import '../../engine/expr/builtins.js';

const ev = (src: string): unknown => evaluate(compileExpression(src), { get: () => undefined } as never);

describe('ansible.utils ip filters', () => {
  const cases: [string, unknown][] = [
    ["'192.168.1.10/24' | ansible.utils.ipaddr", '192.168.1.10/24'],
    ["'192.168.1.10/24' | ansible.utils.ipaddr('address')", '192.168.1.10'],
    ["'192.168.1.0/24' | ansible.utils.ipaddr('address')", null],
    ["'192.168.1.10/24' | ipaddr('network')", '192.168.1.0'],
    ["'192.168.1.10/24' | ipaddr('netmask')", '255.255.255.0'],
    ["'192.168.1.10/24' | ipaddr('prefix')", 24],
    ["'192.168.1.10/24' | ipaddr('broadcast')", '192.168.1.255'],
    ["'192.168.1.10/24' | ipaddr('size')", 256],
    ["'192.168.1.10/24' | ipaddr('host')", '192.168.1.10/24'],
    ["'192.168.1.10/24' | ipaddr('cidr')", '192.168.1.10/24'],
    ["'192.168.1.0/24' | ipaddr('net')", '192.168.1.0/24'],
    ["'192.168.1.0/24' | ipaddr(5)", '192.168.1.5/24'],
    ["'192.168.1.0/24' | ipaddr(-1)", '192.168.1.255/24'],
    ["['10.0.0.1', 'x', '::1', '8.8.8.8'] | ipaddr", ['10.0.0.1', '::1', '8.8.8.8']],
    ["['10.0.0.1', '::1', '8.8.8.8'] | ansible.utils.ipv4", ['10.0.0.1', '8.8.8.8']],
    ["['10.0.0.1', '::1'] | ipv6", ['::1']],
    ["['10.0.0.1', '8.8.8.8'] | ipaddr('private')", ['10.0.0.1']],
    ["['10.0.0.1', '8.8.8.8'] | ipaddr('public')", ['8.8.8.8']],
    ["['10.0.0.1', '::1', 'host'] | ipwrap", ['10.0.0.1', '[::1]', 'host']],
    ["'192.168.1.5' | ansible.utils.ipmath(10)", '192.168.1.15'],
    ["'192.168.0.0/16' | ipsubnet(20)", '16'],
    ["'192.168.0.0/16' | ipsubnet(20, 5)", '192.168.80.0/20'],
    ["'192.168.0.0/16' | ipsubnet(20, -1)", '192.168.240.0/20'],
    ["'192.168.0.0/24' | network_in_usable('192.168.0.1')", true],
    ["'192.168.0.0/24' | network_in_usable('192.168.0.255')", false],
    ["'192.168.0.0/16' | network_in_network('192.168.4.0/24')", true],
    ["'10.0.0.0/8' | nthhost(300)", '10.0.1.44'],
    ["'192.168.122.1/24' | next_nth_usable(2)", '192.168.122.3'],
    ["'192.168.122.1/24' | previous_nth_usable(1)", null],
    ["'192.168.1.10/24' | ipaddr('first_usable')", '192.168.1.1'],
    ["'192.168.1.10/24' | ipaddr('last_usable')", '192.168.1.254'],
    ["'not an ip' | ipaddr", false],
    ["'2001:db8::1/64' | ipaddr('network')", '2001:db8::'],
  ];
  for (const [src, want] of cases) it(src, () => expect(ev(src)).toEqual(want));
});

describe('json_query, urlsplit, same_file', () => {
  it('json_query runs JMESPath', () => {
    expect(ev("{'a': [{'n': 1}, {'n': 2}]} | community.general.json_query('a[?n > `1`].n')")).toEqual([2]);
    expect(ev("{'a': {'b': 'c'}} | json_query('a.b')")).toBe('c');
  });
  it('urlsplit gives Python\'s fields', () => {
    expect(ev("'https://user:pw@Example.com:8443/p/a?x=1#f' | urlsplit")).toEqual({ fragment: 'f', hostname: 'example.com', netloc: 'user:pw@Example.com:8443', password: 'pw', path: '/p/a', port: 8443, query: 'x=1', scheme: 'https', username: 'user' });
    expect(ev("'https://example.com/p' | urlsplit('hostname')")).toBe('example.com');
  });
  it('same_file compares the files the paths name', () => {
    expect(ev("'/etc/hosts' is same_file('/etc/../etc/hosts')")).toBe(true);
    expect(ev("'/etc/hosts' is same_file('/etc/passwd')")).toBe(false);
  });
});
