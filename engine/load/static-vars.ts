// Renders templated names that must be known at load time (import paths, role names)
// with the variables available then: play vars and extra vars.
import { compileTemplate, hasTemplate, renderTemplate, renderToString, Undefined } from '../expr/index.js';
import type { Vars } from './model.js';

// Renders `s` with `vars`; returns `s` unchanged when it has no template or cannot render.
export function renderStatic(s: string, vars: Vars): string {
  return rendered(s, vars, renderToString);
}

// Like renderStatic, keeping the value's type (a list stays a list); `s` when it cannot render.
export function renderStaticValue(s: string, vars: Vars): unknown {
  return rendered(s, vars, renderTemplate);
}

function rendered<T>(s: string, vars: Vars, render: (t: ReturnType<typeof compileTemplate>, scope: { get(name: string): unknown }) => T): T | string {
  if (!hasTemplate(s)) return s;
  try {
    return render(compileTemplate(s), { get: (name: string) => (name in vars ? vars[name] : undefinedValue(name)) });
  } catch {
    return s;
  }
}

function undefinedValue(name: string): unknown {
  return new Undefined(`'${name}' is undefined`, name);
}
