// `tsplay modules NAME`: arguments with their defaults and aliases, from the schema keywords.
import { describe, expect, it } from 'vitest';
import { moduleReference } from '../../engine/report/module-doc.js';
import type { ModuleDef } from '../../engine/module.js';
import apt from '../../modules/apt.js';
import systemd from '../../modules/systemd.js';

describe('module reference', () => {
  it('lists aliases with the argument they name, not as arguments of their own', () => {
    const text = moduleReference(systemd as unknown as ModuleDef);
    expect(text).toMatch(/^ {2}name +string \(aliases: service, unit\)$/m);
    expect(text).toMatch(/^ {2}daemon_reload +boolean \(default false, aliases: daemon-reload\)$/m);
    expect(text).not.toMatch(/^ {2}(service|unit|daemon-reload) /m);
    expect(moduleReference(apt as unknown as ModuleDef)).toMatch(/^ {2}update_cache +boolean \(default false, aliases: update-cache\)$/m);
  });
});
