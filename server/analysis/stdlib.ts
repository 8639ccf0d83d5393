import type { ApiClass, ApiMember, ParamInfo, ReturnInfo } from './types';

/**
 * Lua 5.4 standard library, compact: `name(params): returns | doc`. Dotted names create library
 * tables. `...` is a vararg. `?` marks optional parameters.
 */
const STDLIB: string[] = [
  'assert(v: any, message?: any): any | Raises an error if `v` is false or nil; otherwise returns all its arguments.',
  'collectgarbage(opt?: "collect"|"stop"|"restart"|"count"|"step"|"isrunning"|"incremental"|"generational", arg?: integer): any | Generic interface to the garbage collector ("collect", "count", "step", ...).',
  'dofile(filename?: string): any | Opens the named file and executes its content as a Lua chunk.',
  'error(message: any, level?: integer) | Raises an error with `message`; `level` says where the error points.',
  'getmetatable(object: any): table | Returns the metatable of `object`, or nil.',
  'ipairs<T>(t: T): function | Iterates over the pairs (1, t[1]), (2, t[2]), ... up to the first nil.',
  'load(chunk: string|function, chunkname?: string, mode?: "b"|"bt"|"t", env?: table): function?, error_message: string? | Loads a chunk; returns the compiled function or nil plus an error message.',
  'loadfile(filename?: string, mode?: "b"|"bt"|"t", env?: table): function?, error_message: string? | Like load, but gets the chunk from a file.',
  'next(table: table, index?: any): any | Returns the next index of the table and its value.',
  'pairs<T>(t: T): function | Iterates over all key-value pairs of table `t`.',
  'pcall(f: function, ...: any): boolean | Calls `f` in protected mode; returns false plus the error on failure.',
  'print(...: any) | Prints its arguments to the output, separated by tabs, followed by a newline.',
  'rawequal(v1: any, v2: any): boolean | Checks equality without invoking __eq.',
  'rawget(table: table, index: any): any | Gets `table[index]` without invoking __index.',
  'rawlen(v: table|string): integer | Returns the length without invoking __len.',
  'rawset(table: table, index: any, value: any): table | Sets `table[index] = value` without invoking __newindex.',
  'require(modname: string): any | Loads the given module (searching package.path) and returns its value.',
  'select(index: integer|string, ...: any): any | Returns all arguments after number `index`, or their count with "#".',
  'setmetatable(table: table, metatable?: table): table | Sets the metatable for the given table and returns the table.',
  'tonumber(e: any, base?: integer): number | Converts its argument to a number, or returns nil.',
  'tostring(v: any): string | Converts any value to a string in a reasonable format.',
  'type(v: any): string | Returns the type of its only argument, coded as a string.',
  'xpcall(f: function, msgh: function, ...: any): boolean | Calls `f` in protected mode with message handler `msgh`.',
  'warn(msg1: string, ...: string) | Emits a warning with a message composed by concatenating its arguments.',
  '_G: table | The global environment table.',
  '_VERSION: string | The running Lua version, "Lua 5.4".',
  '_ENV: table | The current environment (upvalue of every chunk).',
  'arg: table | The script name (`arg[0]`) and its command-line arguments (`arg[1]`, ...), set by the stand-alone interpreter.',
  'coroutine.close(co: thread): boolean | Closes coroutine `co`, closing its pending to-be-closed variables.',
  'coroutine.create(f: function): thread | Creates a new coroutine with body `f`.',
  'coroutine.isyieldable(co?: thread): boolean | Returns true when the coroutine can yield.',
  'coroutine.resume(co: thread, ...: any): boolean | Starts or continues the execution of coroutine `co`.',
  'coroutine.running(): thread | Returns the running coroutine plus a boolean, true when it is the main one.',
  'coroutine.status(co: thread): string | Returns "running", "suspended", "normal" or "dead".',
  'coroutine.wrap(f: function): function | Creates a coroutine and returns a function that resumes it.',
  'coroutine.yield(...: any): any | Suspends the execution of the calling coroutine.',
  'debug.debug() | Enters an interactive mode with the user.',
  'debug.gethook(co?: thread): function | Returns the current hook settings of the thread.',
  'debug.getinfo(f: integer|function, what?: string): table | Returns a table with information about a function.',
  'debug.getlocal(level: integer, local: integer): string | Returns the name and value of a local variable.',
  'debug.getmetatable(value: any): table | Returns the metatable of the given value.',
  'debug.getupvalue(f: function, up: integer): string | Returns the name and value of an upvalue.',
  'debug.sethook(hook?: function, mask?: string, count?: integer) | Sets the given function as the debug hook.',
  'debug.setlocal(level: integer, local: integer, value: any): string | Assigns a value to a local variable.',
  'debug.setmetatable(value: any, table?: table): any | Sets the metatable for the given value.',
  'debug.setupvalue(f: function, up: integer, value: any): string | Assigns a value to an upvalue.',
  'debug.traceback(message?: any, level?: integer): string | Returns a traceback of the call stack.',
  'io.close(file?: file) | Closes `file`, or the default output file.',
  'io.flush() | Flushes the default output file.',
  'io.input(file?: string|file): file | Sets or returns the default input file.',
  'io.lines(filename?: string, ...: string): function | Iterates over the lines of a file.',
  'io.open(filename: string, mode?: "r"|"w"|"a"|"r+"|"w+"|"a+"|"rb"|"wb"|"ab"|"r+b"|"w+b"|"a+b"): file?, errmsg: string? | Opens a file in the given mode; returns a file handle or nil plus an error.',
  'io.output(file?: string|file): file | Sets or returns the default output file.',
  'io.popen(prog: string, mode?: "r"|"w"): file?, errmsg: string? | Starts `prog` in a separate process; returns a file handle to read its output or write its input.',
  'io.tmpfile(): file | Returns a handle for a temporary file, removed when the program ends.',
  'io.read(...: "n"|"a"|"l"|"L"|integer): any | Reads from the default input according to the given formats.',
  'io.type(obj: any): string | Returns "file", "closed file" or nil.',
  'io.write(...: string|number): file | Writes each argument to the default output file.',
  'io.stderr: file | Standard error.',
  'io.stdin: file | Standard input.',
  'io.stdout: file | Standard output.',
  'math.abs(x: number): number | Returns the absolute value of `x`.',
  'math.ceil(x: number): integer | Returns the smallest integer larger than or equal to `x`.',
  'math.cos(x: number): number | Returns the cosine of `x` (radians).',
  'math.exp(x: number): number | Returns e^x.',
  'math.floor(x: number): integer | Returns the largest integer smaller than or equal to `x`.',
  'math.fmod(x: number, y: number): number | Returns the remainder of the division of x by y, rounding towards zero.',
  'math.log(x: number, base?: number): number | Returns the logarithm of `x` in the given base (default e).',
  'math.max(x: number, ...: number): number | Returns the maximum value among its arguments.',
  'math.min(x: number, ...: number): number | Returns the minimum value among its arguments.',
  'math.modf(x: number): integer | Returns the integral part and the fractional part of `x`.',
  'math.random(m?: integer, n?: integer): number | Returns a pseudo-random number.',
  'math.randomseed(x?: integer, y?: integer) | Seeds the pseudo-random generator.',
  'math.sin(x: number): number | Returns the sine of `x` (radians).',
  'math.sqrt(x: number): number | Returns the square root of `x`.',
  'math.tan(x: number): number | Returns the tangent of `x` (radians).',
  'math.tointeger(x: any): integer | Converts `x` to an integer if representable, else nil.',
  'math.type(x: any): string | Returns "integer", "float" or nil.',
  'math.ult(m: integer, n: integer): boolean | Unsigned integer comparison m < n.',
  'math.huge: number | A float greater than any other numeric value.',
  'math.maxinteger: integer | The maximum value of an integer.',
  'math.mininteger: integer | The minimum value of an integer.',
  'math.pi: number | The value of π.',
  'os.clock(): number | CPU time used by the program, in seconds.',
  'os.date(format?: string, time?: integer): string | Returns a string or table with the date and time.',
  'os.difftime(t2: integer, t1: integer): number | Returns t2 - t1 in seconds.',
  'os.execute(command?: string): boolean | Runs a shell command.',
  'os.exit(code?: boolean|integer, close?: boolean) | Terminates the host program.',
  'os.getenv(varname: string): string | Returns the value of an environment variable, or nil.',
  'os.remove(filename: string): boolean | Deletes a file or empty directory.',
  'os.rename(oldname: string, newname: string): boolean | Renames a file or directory.',
  'os.time(date?: table): integer | Returns the current time, or the time of the given date table.',
  'os.tmpname(): string | Returns a name usable for a temporary file.',
  'package.loadlib(libname: string, funcname: string): any | Dynamically links a C library.',
  'package.searchpath(name: string, path: string, sep?: string, rep?: string): string | Searches for `name` in `path`.',
  'package.config: string | Compile-time configuration of packages.',
  'package.cpath: string | The path used by require to search for C loaders.',
  'package.loaded: table | Table of already loaded modules.',
  'package.path: string | The path used by require to search for Lua loaders.',
  'package.preload: table | Table of loaders for specific modules.',
  'package.searchers: table | Table of searcher functions used by require.',
  'string.byte(s: string|number, i?: integer, j?: integer): integer | Returns the internal numeric codes of the characters s[i..j].',
  'string.char(...: integer): string | Returns a string built from the given character codes.',
  'string.dump(f: function, strip?: boolean): string | Returns a binary representation of a function.',
  'string.find(s: string|number, pattern: string, init?: integer, plain?: boolean): integer | Finds the first match of `pattern` in `s`; returns start and end indices.',
  'string.format(formatstring: string, ...: any): string | Returns a formatted version of its arguments (printf-style).',
  'string.gmatch(s: string|number, pattern: string, init?: integer): function | Returns an iterator over the matches of `pattern` in `s`.',
  'string.gsub(s: string|number, pattern: string, repl: string|table|function, n?: integer): string | Replaces matches of `pattern`; returns the new string and the count.',
  'string.len(s: string|number): integer | Returns the length of the string.',
  'string.lower(s: string|number): string | Returns a lowercase copy of the string.',
  'string.match(s: string|number, pattern: string, init?: integer): any | Returns the captures of the first match of `pattern` in `s`.',
  'string.pack(fmt: string, v1: any, ...: any): string | Serialises values in binary form.',
  'string.packsize(fmt: string): integer | Returns the size of a string packed with `fmt`.',
  'string.rep(s: string|number, n: integer, sep?: string): string | Returns `n` copies of `s` separated by `sep`.',
  'string.reverse(s: string|number): string | Returns the string reversed.',
  'string.sub(s: string|number, i: integer, j?: integer): string | Returns the substring s[i..j].',
  'string.unpack(fmt: string, s: string, pos?: integer): any | Deserialises values packed with `fmt`.',
  'string.upper(s: string|number): string | Returns an uppercase copy of the string.',
  'table.concat(list: table, sep?: string, i?: integer, j?: integer): string | Concatenates list elements into a string.',
  'table.insert(list: table, pos: integer|any, value?: any) | Inserts `value` at `pos` (or appends).',
  'table.move(a1: table, f: integer, e: integer, t: integer, a2?: table): table | Moves elements between tables.',
  'table.pack(...: any): table | Returns a table with all arguments and a field `n`.',
  'table.remove(list: table, pos?: integer): any | Removes and returns the element at `pos` (default: last).',
  'table.sort<T>(list: T[], comp?: fun(a: T, b: T):boolean) | Sorts list elements in place.',
  'table.unpack(list: table, i?: integer, j?: integer): unknown | Returns the elements list[i..j].',
  'utf8.char(...: integer): string | Converts code points to a UTF-8 string.',
  'utf8.codes(s: string, lax?: boolean): function | Iterates over the code points of a UTF-8 string.',
  'utf8.codepoint(s: string, i?: integer, j?: integer, lax?: boolean): integer | Returns the code points of s[i..j].',
  'utf8.len(s: string, i?: integer, j?: integer, lax?: boolean): integer | Returns the number of UTF-8 characters.',
  'utf8.offset(s: string, n: integer, i?: integer): integer | Returns the byte position of the n-th character.',
  'utf8.charpattern: string | The pattern matching exactly one UTF-8 byte sequence.',
];

/** Methods of file handles (`f:read()`). */
const FILE_METHODS: string[] = [
  'close() | Closes the file.',
  'flush() | Saves written data to the file.',
  'lines(...: string): function | Iterates over the lines of the file.',
  'read(...: "n"|"a"|"l"|"L"|integer): any | Reads the file according to the given formats.',
  'seek(whence?: "set"|"cur"|"end", offset?: integer): integer | Sets and gets the file position.',
  'setvbuf(mode: "no"|"full"|"line", size?: integer) | Sets the buffering mode.',
  'write(...: string|number): file | Writes each argument to the file.',
];

const LINE_RE =
  /^([\w.]+)(?:<([\w, ]+)>)?(?:\(((?:[^()]|\([^()]*\))*)\))?(?::\s*([^|]+?))?\s*(?:\|\s*(.*))?$/;

function parseParams(src: string): { params: ParamInfo[]; vararg: boolean } {
  const params: ParamInfo[] = [];
  let vararg = false;
  // commas inside a `fun(a: T, b: T)` parameter type do not separate parameters
  for (const raw of src.split(/,(?![^(]*\))/)) {
    const p = raw.trim();
    if (!p) continue;
    const m = /^(\.\.\.|[\w]+)(\?)?(?::\s*(.+))?$/.exec(p);
    if (!m) continue;
    if (m[1] === '...') vararg = true;
    params.push({ name: m[1], optional: !!m[2] || m[1] === '...', type: m[3]?.trim() ?? 'any' });
  }
  return { params, vararg };
}

/** `function?, error_message: string?` */
function parseReturns(src: string): ReturnInfo[] {
  return src.split(/,\s*/).map((r) => {
    const m = /^(\w+):\s*(.+)$/.exec(r.trim());
    return m ? { type: m[2], name: m[1] } : { type: r.trim() };
  });
}

function parseLine(line: string, origin: ApiMember['origin']): ApiMember {
  const m = LINE_RE.exec(line);
  if (!m) throw new Error(`bad stdlib line: ${line}`);
  const [, name, generics, params, ret, doc] = m;
  const short = name.slice(name.lastIndexOf('.') + 1);
  if (params !== undefined) {
    const p = parseParams(params);
    return {
      name: short,
      kind: 'function',
      params: p.params,
      isVararg: p.vararg,
      returns: ret ? parseReturns(ret) : [],
      doc,
      origin,
      ...(generics ? { generics: generics.split(',').map((g) => g.trim()) } : {}),
    };
  }
  return { name: short, kind: 'field', type: ret?.trim() ?? 'any', doc, origin };
}

export interface StdLib {
  globals: Map<string, ApiMember>;
  classes: Map<string, ApiClass>;
}

let cached: StdLib | undefined;

/** The standard library as globals (functions and library tables) and classes (`stringlib`, `file`). */
export function stdlib(): StdLib {
  if (cached) return cached;
  const globals = new Map<string, ApiMember>();
  const classes = new Map<string, ApiClass>();
  for (const line of STDLIB) {
    const dot = line.indexOf('.');
    const paren = line.search(/[(:| ]/);
    const member = parseLine(line, 'stdlib');
    if (dot > 0 && dot < paren) {
      const lib = line.slice(0, dot);
      let cls = classes.get(lib);
      if (!cls) {
        cls = { name: lib, parents: [], fields: new Map(), doc: `Lua 5.4 standard library \`${lib}\`.` };
        classes.set(lib, cls);
        globals.set(lib, { name: lib, kind: 'table', type: lib, doc: cls.doc, origin: 'stdlib' });
      }
      cls.fields.set(member.name, member);
    } else {
      globals.set(member.name, member);
    }
  }
  const file: ApiClass = { name: 'file', parents: [], fields: new Map(), doc: 'A file handle.' };
  for (const line of FILE_METHODS) {
    const m = parseLine(line, 'stdlib');
    m.kind = 'method';
    file.fields.set(m.name, m);
  }
  classes.set('file', file);
  cached = { globals, classes };
  return cached;
}

export { LUA_KEYWORDS } from '../../kernel/syntax/lua54';
