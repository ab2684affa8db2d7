// AST of expressions and template statements. Every node keeps its source offsets.

interface Pos {
  offset: number;
  end: number;
}

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in';
export type BinaryOp = '+' | '-' | '*' | '/' | '//' | '%' | '**' | '~';

export type Expr =
  | (Pos & { kind: 'const'; value: unknown })
  | (Pos & { kind: 'name'; name: string })
  | (Pos & { kind: 'list'; items: Expr[] })
  | (Pos & { kind: 'tuple'; items: Expr[] })
  | (Pos & { kind: 'dict'; pairs: [Expr, Expr][] })
  | (Pos & { kind: 'attr'; obj: Expr; name: string })
  | (Pos & { kind: 'item'; obj: Expr; key: Expr })
  | (Pos & { kind: 'slice'; obj: Expr; start: Expr | null; stop: Expr | null; step: Expr | null })
  | (Pos & { kind: 'call'; callee: Expr; args: Expr[]; kwargs: [string, Expr][] })
  | (Pos & { kind: 'filter'; value: Expr; name: string; args: Expr[]; kwargs: [string, Expr][] })
  | (Pos & { kind: 'test'; value: Expr; name: string; args: Expr[]; kwargs: [string, Expr][]; negated: boolean })
  | (Pos & { kind: 'unary'; op: 'not' | '-' | '+'; operand: Expr })
  /** `*value` among a call's arguments, or `**value` (a kwargs entry named '**'): unpacked when called */
  | (Pos & { kind: 'star'; value: Expr })
  | (Pos & { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr })
  | (Pos & { kind: 'and' | 'or'; left: Expr; right: Expr })
  | (Pos & { kind: 'compare'; first: Expr; rest: [CompareOp, Expr][] })
  | (Pos & { kind: 'cond'; test: Expr; then: Expr; otherwise: Expr | null; line: number });

/** assignment target of `for` / `set`: a name, a tuple of names, or `ns.attr` */
export type Target =
  | { kind: 'name'; name: string }
  | { kind: 'names'; names: string[] }
  | { kind: 'nsattr'; name: string; attr: string };

export type Stmt =
  | (Pos & { kind: 'text'; text: string })
  | (Pos & { kind: 'output'; expr: Expr })
  | (Pos & { kind: 'if'; branches: [Expr, Stmt[]][]; otherwise: Stmt[] | null })
  | (Pos & { kind: 'for'; target: Target; iter: Expr; filter: Expr | null; body: Stmt[]; otherwise: Stmt[] | null })
  | (Pos & { kind: 'set'; target: Target; expr: Expr })
  | (Pos & { kind: 'setblock'; name: string; body: Stmt[] })
  /** `{% macro name(a, b=default) %}...{% endmacro %}`: a callable returning its rendered body as text */
  | (Pos & { kind: 'macro'; name: string; params: { name: string; dflt: Expr | null }[]; body: Stmt[] })
  /** `{% include name [ignore missing] [with|without context] %}`: a name or a list (the first found) */
  | (Pos & { kind: 'include'; template: Expr; ignoreMissing: boolean; withContext: boolean });
