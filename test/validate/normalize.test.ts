// The argument normaliser: alias keys renamed (conflicts are errors), strings coerced, the schema
// checked on what the task wrote, then defaults; and every module's schema declares its aliases
// so that they are unambiguous and compile in ajv's strict mode.
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { defineModule, type ModuleDef } from '../../engine/module.js';
import { AJV_OPTIONS, addTsplayKeywords } from '../../engine/validate/ajv-setup.js';
import { checkModuleArgs, normalizeModuleArgs } from '../../engine/validate/module-args.js';
import { aliasMap, applyDefaults, normalizeArgs, resolveAliases } from '../../engine/shared/normalize.js';
import { MODULES } from '../../modules/index.js';

const schema = {
  type: 'object',
  properties: {
    name: { type: 'string', aliases: ['service', 'unit'], description: 'the unit' },
    daemon_reload: { type: 'boolean', default: false, aliases: ['daemon-reload'], description: 'reload first' },
    state: { enum: ['started', 'stopped'], description: 'the state' },
    count: { type: 'integer', default: 3, description: 'how many' },
    msg: { default: 'hello', description: 'untyped, defaulted' },
  },
  additionalProperties: false,
} as const;

// A module of its own name (validators are cached by module name).
const mod = defineModule({ name: 'test_normalize', summary: 'test', checkMode: 'n/a', schema, disruptive: (a) => (a.state === 'stopped' ? `stop of ${a.name}` : undefined) }) as unknown as ModuleDef;

describe('resolveAliases', () => {
  it('renames alias keys to the canonical name, keeping the order of the keys', () => {
    const r = resolveAliases(schema, { state: 'started', service: 'kubelet', 'daemon-reload': true });
    expect(r.args).toEqual({ state: 'started', name: 'kubelet', daemon_reload: true });
    expect(Object.keys(r.args)).toEqual(['state', 'name', 'daemon_reload']);
    expect(r.givenAs).toEqual({ name: 'service', daemon_reload: 'daemon-reload' });
    expect(r.conflicts).toEqual([]);
  });

  it('reports an option given twice with different values; the canonical name wins', () => {
    const r = resolveAliases(schema, { unit: 'a', name: 'b' });
    expect(r.args).toEqual({ name: 'b' });
    expect(r.conflicts).toEqual([{ option: 'name', keys: ['name', 'unit'], values: ['b', 'a'] }]);
    expect(resolveAliases(schema, { service: 'a', unit: 'b' }).conflicts).toEqual([{ option: 'name', keys: ['service', 'unit'], values: ['a', 'b'] }]);
  });

  it('compares values after coercion: "yes" and true are the same value', () => {
    expect(resolveAliases(schema, { daemon_reload: true, 'daemon-reload': 'yes' }).conflicts).toEqual([]);
    expect(resolveAliases(schema, { name: 'x', unit: 'x' }).conflicts).toEqual([]);
  });

  it('maps every alias of a schema', () => {
    expect([...aliasMap(schema)]).toEqual([['service', 'name'], ['unit', 'name'], ['daemon-reload', 'daemon_reload']]);
  });
});

describe('applyDefaults', () => {
  it('fills absent and undefined arguments only (null is a given value), copying the default', () => {
    expect(applyDefaults(schema, { count: undefined, msg: null })).toEqual({ daemon_reload: false, count: 3, msg: null });
    const withList = { type: 'object', properties: { parents: { default: ['all'] } } };
    const a = applyDefaults(withList, {});
    (a['parents'] as string[]).push('x');
    expect(applyDefaults(withList, {})).toEqual({ parents: ['all'] });
  });
});

describe('normalizeModuleArgs', () => {
  it('renames, coerces with the canonical type, then applies defaults', () => {
    const r = normalizeModuleArgs(mod, { unit: 'kubelet', 'daemon-reload': 'yes', count: '7' });
    expect(r.errors).toEqual([]);
    expect(r.args).toEqual({ name: 'kubelet', daemon_reload: true, count: 7, msg: 'hello' });
  });

  it('validates what the task wrote, before defaults', () => {
    const strict = { type: 'object', properties: { a: { type: 'string', default: 'x' }, b: { type: 'string' } }, not: { required: ['a', 'b'] } } as const;
    const m = defineModule({ name: 'test_normalize_not', summary: 't', checkMode: 'n/a', schema: strict }) as unknown as ModuleDef;
    expect(normalizeModuleArgs(m, { b: 'y' })).toEqual({ args: { b: 'y', a: 'x' }, errors: [] });
    expect(normalizeModuleArgs(m, { a: 'x', b: 'y' }).errors).toHaveLength(1);
  });

  it('an alias and its option with different values is an argument error at the alias', () => {
    const r = normalizeModuleArgs(mod, { name: 'kubelet', service: 'containerd' });
    expect(r.errors).toEqual([{ arg: 'service', message: "test_normalize: both option 'name' and its alias 'service' are set, with different values" }]);
    expect(normalizeModuleArgs(mod, { service: 'a', unit: 'b' }).errors[0]?.message).toBe("test_normalize: both aliases 'service' and 'unit' of option 'name' are set, with different values");
  });

  it('the static pass does not judge a conflict while a value is still a template', () => {
    expect(checkModuleArgs(mod, { name: 'kubelet', service: '{{ svc }}' }, { skipTemplates: true })).toEqual([]);
    expect(checkModuleArgs(mod, { name: 'kubelet', service: '{{ svc }}' })).toHaveLength(1);
  });

  it('errors name the argument as written: an alias, or an unsupported parameter', () => {
    expect(normalizeModuleArgs(mod, { service: 5 }).errors).toEqual([{ arg: 'service', message: 'test_normalize.service (alias of name) must be string' }]);
    expect(normalizeModuleArgs(mod, { state: 'gone' }).errors).toEqual([{ arg: 'state', message: 'test_normalize.state must be one of: started, stopped' }]);
    expect(normalizeModuleArgs(mod, { services: 'x' }).errors).toEqual([{ arg: 'services', message: "test_normalize: unsupported parameter 'services'" }]);
  });

  it('disruptive() sees canonical names and defaults, whatever the task wrote', () => {
    expect(mod.disruptive?.({ unit: 'kubelet', state: 'stopped' })).toBe('stop of kubelet');
    expect(normalizeArgs(schema, { unit: 'a', name: 'b' })).toEqual({ name: 'b', daemon_reload: false, count: 3, msg: 'hello' });
  });
});

describe('module schemas', () => {
  it('every alias names one option and collides with no argument', () => {
    for (const m of MODULES) {
      const props = Object.keys((m.schema as { properties?: object }).properties ?? {});
      const seen = new Set(props);
      for (const [alias] of aliasMap(m.schema)) {
        expect([m.name, alias, seen.has(alias)]).toEqual([m.name, alias, false]);
        seen.add(alias);
      }
    }
  });

  it('compile in ajv strict mode with the aliases keyword', () => {
    const ajv = addTsplayKeywords(new Ajv(AJV_OPTIONS));
    for (const m of MODULES) expect(() => ajv.compile(m.schema), m.name).not.toThrow();
    expect(() => ajv.compile({ type: 'object', properties: { a: { type: 'string', alias: ['b'] } } })).toThrow(/unknown keyword/);
    expect(() => ajv.compile({ type: 'object', properties: { a: { type: 'string', aliases: 'b' } } })).toThrow();
  });
});
