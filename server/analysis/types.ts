/**
 * Analysis data model. Pure: no LSP types. Offsets are UTF-16 code unit offsets into the source
 * text (what JS strings and LSP's default position encoding use); `end` is exclusive.
 */
export interface Span {
  start: number;
  end: number;
}

/** One `---@param` / parameter of a function. */
export interface ParamInfo {
  name: string;
  type?: string;
  optional?: boolean;
  doc?: string;
}

export interface ReturnInfo {
  type: string;
  name?: string;
  doc?: string;
}

/** Where something is declared: a file (uri) and a span in it. */
export interface Location {
  uri: string;
  span: Span;
}

export type MemberKind = 'function' | 'method' | 'field' | 'table' | 'value';

/** A documented API member: std lib, host API (`---@meta`) or a workspace field/global. */
export interface ApiMember {
  name: string;
  kind: MemberKind;
  doc?: string;
  params?: ParamInfo[];
  returns?: ReturnInfo[];
  /** Declared type name (class name, `string`, `table`, ...). */
  type?: string;
  isVararg?: boolean;
  location?: Location;
  /** Where it came from, for hover: 'stdlib' | 'host' | 'workspace'. */
  origin: 'stdlib' | 'host' | 'workspace';
  /** `---@field private x` / `---@private` */
  visibility?: 'public' | 'private' | 'protected' | 'package';
  deprecated?: boolean;
  /** `---@overload fun(...)` signatures */
  overloads?: string[];
  /** type parameters of a std lib function (`pairs<T>(t: T)`) */
  generics?: string[];
  /** the name in its `---@field` line */
  nameSpan?: Span;
}

export interface ApiClass {
  name: string;
  doc?: string;
  parents: string[];
  fields: Map<string, ApiMember>;
  location?: Location;
  /** `---@operator add(number): T` */
  operators?: DocOperator[];
  /** `---@class Box<T>`: the type parameters */
  typeParams?: string[];
  /** `---@class B: Base<integer>`: the arguments given to each generic parent */
  parentArgs?: Record<string, string[]>;
}

/** `---@operator name[(operand)]: result` */
export interface DocOperator {
  op: string;
  operand?: string;
  result: string;
}

/** Parsed LuaLS-style annotation block attached to a statement. */
export interface DocBlock {
  description: string;
  params: ParamInfo[];
  returns: ReturnInfo[];
  className?: string;
  classParents: string[];
  fields: ApiMember[];
  type?: string;
  /** `---@alias`; `partial`: `---@alias(partial)` adds its type to the alias's other declaration */
  aliases: { name: string; type: string; partial?: boolean }[];
  span: Span;
  /** `---@overload fun(...)` */
  overloads?: string[];
  /** `---@generic T, K: table` names */
  generics?: string[];
  /** `---@vararg T` */
  vararg?: string;
  deprecated?: boolean;
  nodiscard?: boolean;
  async?: boolean;
  visibility?: 'public' | 'private' | 'protected' | 'package';
  /** `---@enum Name` */
  enumName?: string;
  /** `---@see name` */
  see?: string[];
  /** `---@operator ...` lines */
  operators?: DocOperator[];
  /** `---@class Name<T, U>` type parameters */
  classTypeParams?: string[];
  /** `---@class B: Base<integer>` */
  classParentArgs?: Record<string, string[]>;
  /** earlier `---@class` declarations of the same comment block (each with its own fields) */
  otherClasses?: DocBlock[];
}

export type DefKind =
  'local' | 'parameter' | 'localFunction' | 'global' | 'globalFunction' | 'forVariable' | 'self';

/** Light type facts for a definition, used to find members after `.` and `:`. */
export type InitInfo =
  | { kind: 'table' }
  | { kind: 'function' }
  | { kind: 'string' }
  | { kind: 'number' }
  | { kind: 'boolean' }
  | { kind: 'require'; module: string }
  | { kind: 'chain'; chain: ChainItem[]; at?: number }
  | { kind: 'other' };

/** `a.b:c()` as items: name a, field b, method c called. */
export interface ChainItem {
  name: string;
  /** '' for the head, '.' or ':' for members. */
  sep: '' | '.' | ':';
  called: boolean;
  /** `a[1]`, `a['k']`, `a[i]` after the name (and its call): `[1]`, `k`, `[]` (text chains only) */
  indexes?: string[];
}

export interface FieldDef {
  name: string;
  /** first definition (assignment or table constructor key) */
  span: Span;
  isFunction: boolean;
  params?: ParamInfo[];
  isVararg?: boolean;
  doc?: DocBlock;
  /** all occurrences (definitions and uses) in this file */
  refs: Span[];
}

export interface Definition {
  id: number;
  name: string;
  kind: DefKind;
  /** the identifier at the declaration */
  span: Span;
  /** the whole declaring statement / function */
  fullSpan: Span;
  /** where the name is visible (locals); undefined for globals */
  visible?: Span;
  /** every identifier occurrence resolved to this definition, declaration included */
  refs: Span[];
  /** identifier occurrences that read the value */
  reads: number;
  /** parameter list when the value is a function */
  params?: ParamInfo[];
  isVararg?: boolean;
  doc?: DocBlock;
  init?: InitInfo;
  /** fields seen in this file: `t.x = ...`, `{x = ...}`, `function t.x()` */
  fields: Map<string, FieldDef>;
  /** enclosing function def id for `function M.f()` style functions (for call hierarchy) */
  attribute?: 'const' | 'close';
}

/** A name occurrence in the source, for hover/definition/semantic tokens. */
export interface Occurrence {
  span: Span;
  /** resolved definition id (locals and file globals) */
  defId?: number;
  /** global name when it is a global identifier */
  global?: string;
  /** member access `base.name`: the base expression as a chain and this name */
  member?: { chain: ChainItem[]; name: string; sep: '.' | ':' };
  /** for members whose base is a plain identifier resolved to a definition in this file */
  baseDefId?: number;
  isDeclaration: boolean;
  isCall: boolean;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface AnalysisDiagnostic {
  code: string;
  message: string;
  span: Span;
  severity: Severity;
  unnecessary?: boolean;
  /** extra data for quick fixes (e.g. the global name) */
  data?: { name?: string; suggestion?: string; removeSpan?: Span };
}

export type SymbolKindName =
  'function' | 'method' | 'variable' | 'constant' | 'field' | 'module' | 'class' | 'property';

export interface DocSymbol {
  name: string;
  detail?: string;
  kind: SymbolKindName;
  span: Span;
  selectionSpan: Span;
  children: DocSymbol[];
}

export interface FoldInfo {
  startLine: number;
  endLine: number;
  kind?: 'comment' | 'region';
}

/** A call site, for call hierarchy and inlay hints. */
export interface CallSite {
  /** span of the callee name (last identifier) */
  nameSpan: Span;
  /** callee as a chain */
  chain: ChainItem[];
  /** argument expression spans */
  args: Span[];
  argIsMulti: boolean;
  /** id of the enclosing function definition (or -1 for the chunk) */
  callerFn: number;
  span: Span;
}

/** A function body in the file (for call hierarchy and folding). */
export interface FunctionInfo {
  id: number;
  name: string;
  defId?: number;
  nameSpan: Span;
  span: Span;
}

export interface SyntaxErrorInfo {
  message: string;
  span: Span;
}

export type SemanticKind =
  | 'variable'
  | 'parameter'
  | 'function'
  | 'property'
  | 'method'
  | 'namespace'
  | 'keyword'
  | 'string'
  | 'number'
  | 'comment';

export interface SemanticToken {
  span: Span;
  kind: SemanticKind;
  /** modifiers: declaration, readonly, defaultLibrary, global */
  mods: number;
}

export const SemMod = { declaration: 1, readonly: 2, defaultLibrary: 4, global: 8 } as const;
