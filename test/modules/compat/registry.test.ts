// Every module answers to ansible.builtin.NAME and ansible.legacy.NAME, resolved by the registry
// (not listed per module); collection names are aliases of the modules that implement them.
import { describe, expect, it } from 'vitest';
import { builtinModules } from '../../../modules/index.js';

const registry = builtinModules();

describe('module names', () => {
  it('resolves every module and alias under ansible.builtin. and ansible.legacy.', () => {
    for (const m of registry.all()) {
      for (const n of [m.name, ...(m.aliases ?? [])].filter((x) => !x.includes('.'))) {
        expect(registry.find(`ansible.builtin.${n}`), n).toBe(m);
        expect(registry.find(`ansible.legacy.${n}`), n).toBe(m);
      }
    }
  });
  it('keeps service and systemd apart (service has its own options)', () => {
    expect(registry.find('ansible.builtin.service')?.name).toBe('service');
    expect(registry.find('ansible.builtin.systemd_service')?.name).toBe('systemd');
  });
  it('does not strip other prefixes or nested names', () => {
    expect(registry.find('community.general.ping')).toBeUndefined();
    expect(registry.find('ansible.builtin.foo.ping')).toBeUndefined();
    expect(registry.find('ansible.builtin.')).toBeUndefined();
  });
});
