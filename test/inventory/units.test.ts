// The small pure pieces: host ranges and addresses, INI values (literal_eval and shlex: test/py).
import { describe, expect, it } from 'vitest';
import { parseIniValue } from '../../engine/inventory/ini.js';
import { expandHostnameRange, expandHostPattern, parseAddress } from '../../engine/inventory/ranges.js';

describe('host ranges (expand_hostname_range)', () => {
  it.each([
    ['web[1:3]', ['web1', 'web2', 'web3']],
    ['k8s[01:03]', ['k8s01', 'k8s02', 'k8s03']],
    ['k8s[08:10]', ['k8s08', 'k8s09', 'k8s10']],
    ['db-[a:c]', ['db-a', 'db-b', 'db-c']],
    ['x[y:B]', ['xy', 'xz', 'xA', 'xB']],
    ['web[1:10:3]', ['web1', 'web4', 'web7', 'web10']],
    ['n[a:e:2]', ['na', 'nc', 'ne']],
    ['web[:2]', ['web0', 'web1', 'web2']],
    ['web[3:1]', []],
    ['r[1:2]c[1:2]', ['r1c1', 'r1c2', 'r2c1', 'r2c2']],
    ['10.0.[0:1].[1:2]', ['10.0.0.1', '10.0.0.2', '10.0.1.1', '10.0.1.2']],
  ])('%s', (pattern, names) => {
    expect(expandHostnameRange(pattern)).toEqual(names);
  });

  it.each([
    ['web[1:]', 'host range must specify end value'],
    ['web[01:100]', 'equal-length'],
    ['web[c:a]', 'begin <= end'],
    ['x[Y:b]', 'begin <= end'],
    ['web[1]', 'begin:end or begin:end:step'],
    ['web[a:5]', 'invalid literal for int()'],
    ['web[1:3:0]', 'must not be zero'],
    ['web[1:3', 'not enough values to unpack'],
  ])('%s fails', (pattern, message) => {
    expect(() => expandHostnameRange(pattern)).toThrow(message);
  });

  it('separates a port from a host key', () => {
    expect(expandHostPattern('web[1:2]:2222')).toEqual({ hostnames: ['web1', 'web2'], port: 2222 });
    expect(expandHostPattern('[fe80::1]:22')).toEqual({ hostnames: ['fe80::1'], port: 22 });
    expect(expandHostPattern('10.0.0.1')).toEqual({ hostnames: ['10.0.0.1'] });
  });

  it('parses addresses like ansible parse_address', () => {
    expect(parseAddress('host.example.com:22', false)).toEqual({ host: 'host.example.com', port: 22 });
    expect(parseAddress('::1', false)).toEqual({ host: '::1' });
    expect(parseAddress('web[1:2]', false)).toBeUndefined();
    expect(parseAddress('web[1:2]', true)).toEqual({ host: 'web[1:2]' });
    expect(parseAddress('bad_', true)).toBeUndefined();
    expect(parseAddress('foo/bar', true)).toBeUndefined();
    expect(parseAddress('nœud-1', true)).toEqual({ host: 'nœud-1' });
  });
});

describe('INI values (ast.literal_eval, else the text)', () => {
  it.each([['1', 1], ['1.5', 1.5], ['2.0', 2], ['None', null], ["b'x'", 'x'], ['1, 2', [1, 2]], ['{None: 1}', { null: 1 }]])('%s', (text, value) => {
    expect(parseIniValue(text)).toEqual(value);
  });

  it.each(['', 'true', 'yes', 'a b', '01', '0777', '1__0', '1_', "f'x'", "'a' b'b'", '--1', '-True', '[1,', "'open", 'x=1', '1.2.3', '{1: }', 'hello world', '1 2'])(
    '%j is not a literal',
    (text) => {
      expect(parseIniValue(text)).toBe(text);
    },
  );
});
