// YAML scalars as PyYAML (YAML 1.1 resolvers) reads them for ansible: yes/no/on/off booleans,
// 0777 octal, 1:30 sexagesimal numbers, floats only with a dot; dates stay strings; !unsafe and
// !vault values are decrypted (vault.ts) when a vault password was given.
import type { ScalarTag, Tags } from 'yaml';
import { decryptVault, isVaulted } from './vault.js';

const sexagesimal = (text: string): number =>
  text.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);

function signed(text: string, body: (s: string) => number): number {
  const s = text.replace(/_/g, '');
  const neg = s.startsWith('-');
  const v = body(s.replace(/^[-+]/, ''));
  return neg ? -v : v;
}

const boolTag: ScalarTag = {
  tag: 'tag:yaml.org,2002:bool',
  default: true,
  test: /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  resolve: (s) => /^(?:yes|true|on)$/i.test(s),
};

const intTag: ScalarTag = {
  tag: 'tag:yaml.org,2002:int',
  default: true,
  test: /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  resolve: (text) =>
    signed(text, (s) => {
      if (s === '0') return 0;
      if (s.startsWith('0b')) return parseInt(s.slice(2), 2);
      if (s.startsWith('0x')) return parseInt(s.slice(2), 16);
      if (s.startsWith('0')) return parseInt(s, 8);
      if (s.includes(':')) return sexagesimal(s);
      return Number(s);
    }),
};

const floatTag: ScalarTag = {
  tag: 'tag:yaml.org,2002:float',
  default: true,
  test: /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  resolve: (text) =>
    signed(text, (s) => {
      const v = s.toLowerCase();
      if (v === '.inf') return Infinity;
      if (v === '.nan') return NaN;
      if (v.includes(':')) return sexagesimal(v);
      return Number(v);
    }),
};

const plainString = (tag: string): ScalarTag => ({ tag, resolve: (s) => s });

// `!vault |` values are decrypted when a vault password was given; without one (or when none fits)
// the value stays the vaulted text, an error only where it is used, as Ansible's is.
const vaultTag: ScalarTag = {
  tag: '!vault',
  resolve: (s) => {
    if (!isVaulted(s)) return s;
    try {
      return decryptVault(s);
    } catch {
      return s;
    }
  },
};

const REPLACED = new Set(['tag:yaml.org,2002:bool', 'tag:yaml.org,2002:int', 'tag:yaml.org,2002:float', 'tag:yaml.org,2002:timestamp']);

// The YAML library's tags with PyYAML's bool/int/float/timestamp rules and Ansible's !unsafe and
// !vault, for playbooks, inventories and from_yaml.
export function ansibleYamlTags(tags: Tags): Tags {
  const kept = tags.filter((t) => typeof t === 'string' || !REPLACED.has(t.tag));
  return [boolTag, intTag, floatTag, plainString('!unsafe'), vaultTag, ...kept];
}
