import type { LimitName } from '../shared/limits.js';

// Errors raised by the expression language: syntax (compile time), undefined variables and
// runtime type/argument errors (evaluation time).

// A compile-time error; offset/length locate the construct in the compiled source string.
// `limit` is set when the construct exceeds one of engine/shared/limits.ts (nesting depth).
export class ExprSyntaxError extends Error {
  readonly offset: number;
  readonly length: number;
  limit?: LimitName;
  constructor(message: string, offset: number, length = 1) {
    super(message);
    this.name = 'ExprSyntaxError';
    this.offset = offset;
    this.length = Math.max(1, length);
  }
}

// Raised when an Undefined value is used; the message is Jinja's ("'foo' is undefined").
export class UndefinedVariableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UndefinedVariableError';
  }
}

// Type errors, bad filter arguments, regex errors and the like, raised while evaluating.
export class ExprRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExprRuntimeError';
  }
}

// An `{% include %}` whose template is not found (Jinja's TemplateNotFound: the message is the name).
export class TemplateNotFoundError extends ExprRuntimeError {
  readonly pyClass = 'jinja2.exceptions.TemplateNotFound';
}
