/** LuaLS's built-in type names (the annotation language's own types, never a class of a file). */
export const BUILTIN_TYPES: ReadonlySet<string> = new Set([
  'any',
  'unknown',
  'nil',
  'boolean',
  'number',
  'integer',
  'string',
  'table',
  'function',
  'thread',
  'userdata',
  'lightuserdata',
  'self',
]);

/** Words of the annotation type language that are not type names (`fun(...)`, `true`, ...). */
export const TYPE_WORDS: ReadonlySet<string> = new Set(['true', 'false', 'fun', 'async', 'void', 'never']);
