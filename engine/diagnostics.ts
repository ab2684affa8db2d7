// Diagnostics shared by every stage that reads user input (load, validate, inventory, plan).
// Positions are data: a file and a character offset; line/column and the code frame are
// computed only when printing (engine/source/format.ts).

export type DiagnosticCode =
  | 'yaml-syntax'
  | 'schema'
  | 'unknown-keyword'
  | 'unknown-module'
  | 'module-args'
  | 'two-actions'
  | 'no-action'
  | 'unknown-handler'
  | 'bad-serial'
  | 'bad-value'
  | 'expression'
  | 'missing-file'
  | 'undefined-role'
  | 'inventory'
  | 'bad-pattern'
  | 'quorum-serial'
  | 'unsupported'
  | 'vault'
  // hostile or broken input (engine/shared/limits.ts)
  | 'file-too-large'
  | 'line-too-long'
  | 'nesting-too-deep'
  | 'too-many-aliases'
  | 'invalid-character'
  | 'invalid-utf8'
  | 'yaml-tag'
  | 'recursion';

export interface SourcePos {
  file: string;
  /** character offset of the start of the offending node in `file` */
  offset: number;
  /** length of the node's source text, when known (for a longer caret) */
  length?: number;
}

export interface Diagnostic {
  code: DiagnosticCode;
  message: string;
  pos?: SourcePos;
  /** an optional one-line fix suggestion ("did you mean ...", "add serial: 1") */
  hint?: string;
  severity?: 'error' | 'warning';
}

export type Result<T> = { ok: true; value: T; warnings?: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] };

// Creates an error diagnostic.
export function diag(code: DiagnosticCode, message: string, pos?: SourcePos, hint?: string): Diagnostic {
  const d: Diagnostic = { code, message };
  if (pos) d.pos = pos;
  if (hint) d.hint = hint;
  return d;
}
