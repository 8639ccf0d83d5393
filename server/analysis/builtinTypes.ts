/** LuaLS's built-in type names, in the order completion offers them inside `---@` comments. */
export const BUILTIN_TYPE_NAMES: readonly string[] = [
  'any',
  'unknown',
  'nil',
  'boolean',
  'integer',
  'number',
  'string',
  'table',
  'function',
  'thread',
  'userdata',
  'lightuserdata',
];

/** The annotation language's own types (never a class of a file): the built-in names and `self`. */
export const BUILTIN_TYPES: ReadonlySet<string> = new Set([...BUILTIN_TYPE_NAMES, 'self']);

/** Words of the annotation type language that are not type names (`fun(...)`, `true`, ...). */
export const TYPE_WORDS: ReadonlySet<string> = new Set(['true', 'false', 'fun', 'async', 'void', 'never']);
