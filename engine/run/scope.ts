// Variable lookup with Ansible's precedence: a stack of layers (lowest first) plus magic
// variables, where values holding templates are rendered lazily on access in the same
// scope (so `a: "{{ b }}"` sees b), with a guard against self-reference.
import { describeChain, ExprRuntimeError, isUndefined, templateVariable, Undefined, UndefinedVariableError, type Scope } from '../expr/index.js';
import type { Vars } from '../load/model.js';

export interface Layer {
  name: string;
  vars: Vars;
}

const templated = new WeakMap<object, boolean>();
const unsafe = new WeakSet<object>();

// Marks a value never to be templated again (a registered result: ansible-core's unsafe text).
export function markUnsafe(v: unknown): void {
  if (v !== null && typeof v === 'object') unsafe.add(v);
}

// True when the value (deeply) contains a string with template markers, and is not unsafe.
export function needsTemplating(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('{{') || v.includes('{%') || v.includes('{#');
  if (v === null || typeof v !== 'object' || unsafe.has(v)) return false;
  const hit = templated.get(v);
  if (hit !== undefined) return hit;
  templated.set(v, false);
  const r = Array.isArray(v) ? v.some(needsTemplating) : Object.values(v as Vars).some(needsTemplating);
  templated.set(v, r);
  return r;
}

export class VarScope implements Scope {
  private cache = new Map<string, unknown>();
  private resolving = new Set<string>();
  /** hostvars: a value whose templating meets an undefined name stays as written (ansible-core's
   * HostVarsVars templates with fail_on_undefined=False) */
  lenient = false;

  constructor(
    private readonly layers: Layer[],
    private readonly magic: (name: string) => unknown = () => undefined,
  ) {}

  // The raw (untemplated) value of a name and the layer it came from.
  raw(name: string): { value: unknown; layer: string } | undefined {
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const l = this.layers[i] as Layer;
      if (Object.prototype.hasOwnProperty.call(l.vars, name)) return { value: l.vars[name], layer: l.name };
    }
    return undefined;
  }

  // The value of a name, rendered; an Undefined when it is not defined anywhere.
  get(name: string): unknown {
    if (this.cache.has(name)) return this.cache.get(name);
    const m = this.magic(name);
    if (m !== undefined) return m;
    const found = this.raw(name);
    if (!found) return new Undefined(`'${name}' is undefined`, name);
    let value = found.value;
    if (needsTemplating(value)) {
      if (this.resolving.has(name)) throw new ExprRuntimeError(`recursive loop detected in template string: variable chain ${describeChain(name)}`);
      this.resolving.add(name);
      try {
        value = templateVariable(name, value, this);
        if (this.lenient && isUndefined(value)) value = found.value;
      } catch (e) {
        if (!(this.lenient && e instanceof UndefinedVariableError)) throw e;
        value = found.value;
      } finally {
        this.resolving.delete(name);
      }
    }
    this.cache.set(name, value);
    return value;
  }

  has(name: string): boolean {
    return this.magic(name) !== undefined || this.raw(name) !== undefined;
  }

  // Every variable name visible in this scope (layers only).
  names(): string[] {
    const s = new Set<string>();
    for (const l of this.layers) for (const k of Object.keys(l.vars)) s.add(k);
    return [...s];
  }

  // A new scope with one more layer on top (task vars, loop vars).
  with(layer: Layer): VarScope {
    return new VarScope([...this.layers, layer], this.magic);
  }

  // All variables rendered into a plain object (template module, `vars`).
  toObject(extra: string[] = []): Vars {
    const out: Vars = {};
    for (const k of [...this.names(), ...extra]) {
      try {
        const v = this.get(k);
        if (!isUndefined(v)) out[k] = v;
      } catch {
        /* a variable that cannot render is left out */
      }
    }
    return out;
  }
}

// A read-only object view of a scope (for `vars[...]` and `hostvars[host]`).
export function scopeObject(scope: () => VarScope, extraKeys: () => string[] = () => []): Vars {
  return new Proxy({} as Vars, {
    get(_t, key) {
      if (typeof key !== 'string') return undefined;
      const v = scope().get(key);
      return isUndefined(v) ? undefined : v;
    },
    has(_t, key) {
      return typeof key === 'string' && scope().has(key);
    },
    ownKeys() {
      return [...new Set([...scope().names(), ...extraKeys()])];
    },
    getOwnPropertyDescriptor(_t, key) {
      if (typeof key !== 'string' || !scope().has(key)) return undefined;
      return { enumerable: true, configurable: true, writable: false, value: scope().get(key) };
    },
  });
}
