import { existsSync, readdirSync, readFileSync } from 'fs';
import * as path from 'path';

/**
 * Documentation for inspect_request: the Lua 5.4 standard library (signature and one line) plus
 * the host API read from the `---@meta` definition files in kernel/runtime/meta (LuaLS syntax).
 */

const STDLIB: Record<string, string> = {
  assert:
    'assert(v [, message]) -> v, ...  Raises an error if v is false or nil; otherwise returns all its arguments.',
  collectgarbage:
    'collectgarbage([opt [, arg]])  Controls the garbage collector ("collect", "count", "step", ...).',
  dofile: 'dofile([filename])  Runs the file as a Lua chunk and returns its values.',
  error: 'error(message [, level])  Raises an error with message; level 1 (default) adds the position.',
  getmetatable: 'getmetatable(object) -> table|nil  Returns the metatable (or its __metatable field).',
  ipairs: 'ipairs(t) -> iterator  Iterates t[1], t[2], ... up to the first nil.',
  load: 'load(chunk [, chunkname [, mode [, env]]]) -> function|nil, err  Compiles a chunk.',
  loadfile: 'loadfile([filename [, mode [, env]]]) -> function|nil, err  Compiles a file.',
  next: 'next(table [, index]) -> key, value  Returns the next field of a table.',
  pairs: 'pairs(t) -> iterator  Iterates all key/value pairs of t (honours __pairs).',
  pcall: 'pcall(f [, arg1, ...]) -> ok, ...  Calls f in protected mode.',
  print: 'print(...)  Writes its arguments (tostring) to stdout separated by tabs, then a newline.',
  rawequal: 'rawequal(v1, v2) -> boolean  Equality without __eq.',
  rawget: 'rawget(table, index)  Reads table[index] without __index.',
  rawlen: 'rawlen(v) -> integer  Length without __len.',
  rawset: 'rawset(table, index, value)  Writes table[index] without __newindex.',
  require: 'require(modname) -> module  Loads a module through package.searchers.',
  select: "select(index, ...)  Returns the arguments after index, or their count for '#'.",
  setmetatable: 'setmetatable(table, metatable) -> table  Sets the metatable of table.',
  tonumber: 'tonumber(e [, base]) -> number|nil  Converts to a number.',
  tostring: 'tostring(v) -> string  Converts any value to a readable string (honours __tostring).',
  type: 'type(v) -> string  "nil", "number", "string", "boolean", "table", "function", "thread" or "userdata".',
  xpcall: 'xpcall(f, msgh [, arg1, ...]) -> ok, ...  pcall with a message handler.',
  _G: '_G  The global environment table.',
  _VERSION: '_VERSION  The running Lua version ("Lua 5.4").',
  'coroutine.create': 'coroutine.create(f) -> thread  Creates a coroutine with body f.',
  'coroutine.resume': 'coroutine.resume(co [, val1, ...]) -> ok, ...  Starts or continues co.',
  'coroutine.yield': 'coroutine.yield(...)  Suspends the running coroutine.',
  'coroutine.status': 'coroutine.status(co) -> string  "running", "suspended", "normal" or "dead".',
  'coroutine.wrap': 'coroutine.wrap(f) -> function  A function that resumes a new coroutine each call.',
  'coroutine.isyieldable': 'coroutine.isyieldable([co]) -> boolean',
  'coroutine.running': 'coroutine.running() -> thread, ismain',
  'coroutine.close': 'coroutine.close(co) -> ok, err  Closes a suspended or dead coroutine.',
  'string.byte': 'string.byte(s [, i [, j]]) -> integer...  Byte codes of s[i..j].',
  'string.char': 'string.char(...) -> string  String from byte codes.',
  'string.find': 'string.find(s, pattern [, init [, plain]]) -> start, end, captures...',
  'string.format':
    'string.format(formatstring, ...) -> string  printf-style formatting (%d %s %q %x %f ...).',
  'string.gmatch': 'string.gmatch(s, pattern [, init]) -> iterator  Iterates over matches.',
  'string.gsub': 'string.gsub(s, pattern, repl [, n]) -> string, count  Global substitution.',
  'string.len': 'string.len(s) -> integer  Length in bytes.',
  'string.lower': 'string.lower(s) -> string  Lower-case copy.',
  'string.match': 'string.match(s, pattern [, init]) -> captures  First match of pattern.',
  'string.rep': 'string.rep(s, n [, sep]) -> string  n copies of s separated by sep.',
  'string.reverse': 'string.reverse(s) -> string',
  'string.sub': 'string.sub(s, i [, j]) -> string  Substring s[i..j] (negative indices count from the end).',
  'string.upper': 'string.upper(s) -> string  Upper-case copy.',
  'string.pack': 'string.pack(fmt, v1, ...) -> string  Binary packing.',
  'string.unpack': 'string.unpack(fmt, s [, pos]) -> values..., nextpos',
  'string.packsize': 'string.packsize(fmt) -> integer',
  'table.concat': 'table.concat(list [, sep [, i [, j]]]) -> string  Joins list elements.',
  'table.insert': 'table.insert(list, [pos,] value)  Inserts value at pos (default: the end).',
  'table.move': 'table.move(a1, f, e, t [, a2]) -> a2  Moves elements a1[f..e] to a2[t..].',
  'table.pack': 'table.pack(...) -> table  Packs arguments into a table with field n.',
  'table.remove': 'table.remove(list [, pos]) -> value  Removes and returns list[pos] (default: the last).',
  'table.sort': 'table.sort(list [, comp])  Sorts in place.',
  'table.unpack': 'table.unpack(list [, i [, j]]) -> ...  Returns list[i..j].',
  'math.abs': 'math.abs(x)',
  'math.ceil': 'math.ceil(x) -> integer',
  'math.floor': 'math.floor(x) -> integer',
  'math.fmod': 'math.fmod(x, y)',
  'math.huge': 'math.huge  Positive infinity.',
  'math.max': 'math.max(x, ...)',
  'math.min': 'math.min(x, ...)',
  'math.pi': 'math.pi  3.14159...',
  'math.random': 'math.random([m [, n]])  Pseudo-random number (float in [0,1) or integer in [m, n]).',
  'math.randomseed': 'math.randomseed([x [, y]])',
  'math.sqrt': 'math.sqrt(x)',
  'math.tointeger': 'math.tointeger(x) -> integer|nil',
  'math.type': 'math.type(x) -> "integer"|"float"|nil',
  'math.maxinteger': 'math.maxinteger',
  'math.mininteger': 'math.mininteger',
  'math.exp': 'math.exp(x)',
  'math.log': 'math.log(x [, base])',
  'math.sin': 'math.sin(x)',
  'math.cos': 'math.cos(x)',
  'math.tan': 'math.tan(x)',
  'math.modf': 'math.modf(x) -> integral, fractional',
  'math.ult': 'math.ult(m, n) -> boolean  Unsigned integer comparison.',
  'os.clock': 'os.clock() -> number  CPU time in seconds.',
  'os.date': 'os.date([format [, time]]) -> string|table',
  'os.time': 'os.time([table]) -> integer',
  'os.getenv': 'os.getenv(varname) -> string|nil',
  'os.difftime': 'os.difftime(t2, t1) -> number',
  'os.exit': 'os.exit([code [, close]])',
  'os.remove': 'os.remove(filename) -> ok, err',
  'os.rename': 'os.rename(old, new) -> ok, err',
  'os.tmpname': 'os.tmpname() -> string',
  'io.read':
    'io.read(...)  Reads from stdin ("l", "n", "a", "L" or a count). In Jupyter this asks the front end.',
  'io.write': 'io.write(...)  Writes strings or numbers to stdout.',
  'io.open': 'io.open(filename [, mode]) -> file|nil, err',
  'io.lines': 'io.lines([filename, ...]) -> iterator',
  'io.close': 'io.close([file])',
  'utf8.char': 'utf8.char(...) -> string',
  'utf8.codepoint': 'utf8.codepoint(s [, i [, j [, lax]]]) -> integer...',
  'utf8.len': 'utf8.len(s [, i [, j [, lax]]]) -> integer|nil',
  'utf8.offset': 'utf8.offset(s, n [, i]) -> integer',
  'utf8.codes': 'utf8.codes(s [, lax]) -> iterator',
  string: 'string  The string library (also the methods of strings: s:upper()).',
  table: 'table  The table library.',
  math: 'math  The math library.',
  os: 'os  The os library.',
  io: 'io  The io library.',
  coroutine: 'coroutine  The coroutine library.',
  utf8: 'utf8  The utf8 library.',
  debug: 'debug  The debug library.',
  package: 'package  Module loading (package.path, package.loaded, package.searchers).',
};

/** Doc comments of `function A.b(...)` / `A = {}` declarations in ---@meta files. */
export function parseMetaDocs(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let comments: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('---')) {
      const c = line.slice(3).trim();
      if (!c.startsWith('@meta')) comments.push(c);
      continue;
    }
    const fn = /^(?:local\s+)?function\s+([A-Za-z_][\w.:]*)\s*\(([^)]*)\)/.exec(line);
    const assign = /^([A-Za-z_][\w.]*)\s*=/.exec(line);
    if (fn) {
      const name = fn[1].replace(':', '.');
      out.set(name, [`${fn[1]}(${fn[2]})`, ...comments].join('\n'));
    } else if (assign && comments.length > 0) {
      out.set(assign[1], [assign[1], ...comments].join('\n'));
    }
    comments = [];
  }
  return out;
}

let hostDocs: Map<string, string> | undefined;

function loadHostDocs(): Map<string, string> {
  if (hostDocs) return hostDocs;
  hostDocs = new Map();
  const candidates = [
    path.join(__dirname, '..', 'runtime', 'meta'),
    path.join(__dirname, '..', '..', '..', 'kernel', 'runtime', 'meta'),
  ];
  for (const dir of candidates) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (!name.endsWith('.lua')) continue;
      for (const [k, v] of parseMetaDocs(readFileSync(path.join(dir, name), 'utf8'))) hostDocs.set(k, v);
    }
    break;
  }
  return hostDocs;
}

/** Documentation for a dotted name (`string.format`, `s:upper` maps to `string.upper` by the caller). */
export function luaDoc(name: string): string | undefined {
  const key = name.replace(':', '.');
  return STDLIB[key] ?? loadHostDocs().get(key);
}
