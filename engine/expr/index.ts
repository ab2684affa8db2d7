// Public API of the expression language (Jinja2-compatible, ansible-core 2.14 semantics).
export { ExprSyntaxError, ExprRuntimeError, TemplateNotFoundError, UndefinedVariableError } from './errors.js';
export { Undefined, isUndefined } from './undefined.js';
export type { Scope } from './evaluate.js';
export type { Template, Expression, TemplateLoader } from './template.js';
export {
  hasTemplate,
  compileTemplate,
  compileExpression,
  renderTemplate,
  renderToString,
  evaluate,
  templateValue,
  templateVariable,
  renderTemplateText,
} from './template.js';
export { templatingChain, describeChain } from './budget.js';
export { STANDARD_DELIMITERS, withStandardDelimiters, type Delimiters } from './delimiters.js';
export { evaluateCondition, compileCondition, conditionalErrorMessage } from './condition.js';
export type { Condition } from './condition.js';
export { toPyStr, toPyRepr, isTruthy, toPlainData, pyTypeName } from './python-values.js';
export { printf } from './pyformat.js';
export { PyFloat, pyFloat, isFloat } from '../py/float.js';
export { registerFilter, registerTest, registerGlobal, listNames } from './registry.js';
export type { FilterFn, TestFn, GlobalFn, CallContext } from './registry.js';
export { Kwargs } from './objects.js';
export { referencedNames } from './names.js';
export { literalEval } from './template.js';
