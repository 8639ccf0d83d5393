/**
 * Raw lua_CFunctions the worker gives the agent (beside the converted host functions of AgentHost).
 * wasmoon converts strings between Lua and JavaScript as UTF-8 text, which would change source code
 * and file contents that are not UTF-8 (Latin-1 files, '\200' and '\0' in strings, binary chunks).
 * These functions move bytes between Lua strings and Buffers through the WebAssembly heap instead.
 * `cwrap` turns an agent (Lua) function into a real C function, so replaced builtins look and
 * behave like the C functions they replace (debug.getinfo what "C", no upvalues to rewire).
 */
import * as fs from 'fs';
import { LUA_REGISTRYINDEX } from 'wasmoon';
import type { LuaEngine } from 'wasmoon';
import { LuaMultiReturn } from 'wasmoon';

export interface OpenFile {
  fd: number;
  pos: number;
  append: boolean;
}

export interface RawDeps {
  files: Map<number, OpenFile>;
  resolvePath(p: string): string;
  /** Output bytes to stdout (1) or stderr (2). */
  out(stream: number, bytes: Buffer): void;
  /** The instrumenter: the text to load for a chunk (the same string when nothing changes). */
  prepare(code: string, chunkname: string): string | LuaMultiReturn;
  /** The source bytes of the chunk A.run is about to load. */
  takeSource(): Uint8Array;
}

export const RAW_HOST_FUNCTIONS = [
  'out',
  'print',
  'setmain',
  'yield',
  'fread',
  'fwrite',
  'readfile',
  'prepare',
  'source',
  'cwrap',
  'newfile',
] as const;
export type RawHostName = (typeof RAW_HOST_FUNCTIONS)[number];

const LUA_MULTRET = -1;
/** lua_upvalueindex(1): LUA_REGISTRYINDEX - 1. */
const LUA_UPVALUE1 = LUA_REGISTRYINDEX - 1;

/** Create the raw functions; returns their function-table pointers (push with lua_pushcclosure). */
export function rawHostFunctions(engine: LuaEngine, deps: RawDeps): Record<RawHostName, number> {
  const lua = engine.global.lua;
  // The raw exports (pointers instead of converted strings) exist on the module but are not typed.
  const m = lua.module as typeof lua.module & {
    _lua_pushlstring(L: number, ptr: number, len: number): number;
    _lua_tolstring(L: number, idx: number, lenPtr: number): number;
  };
  const pushBytes = (L: number, bytes: Uint8Array): void => {
    const ptr = m._malloc(Math.max(1, bytes.length));
    m.HEAPU8.set(bytes, ptr);
    m._lua_pushlstring(L, ptr, bytes.length);
    m._free(ptr);
  };
  const bytesAt = (L: number, idx: number): Buffer => {
    const lenPtr = m._malloc(4);
    const ptr = m._lua_tolstring(L, idx, lenPtr);
    const len = m.getValue(lenPtr, 'i32') as number;
    m._free(lenPtr);
    return ptr ? Buffer.from(m.HEAPU8.subarray(ptr, ptr + len)) : Buffer.alloc(0);
  };
  const pushError = (L: number, message: string, code?: number): number => {
    lua.lua_pushnil(L);
    lua.lua_pushstring(L, message);
    if (code === undefined) return 2;
    lua.lua_pushinteger(L, BigInt(code));
    return 3;
  };
  const fn = (f: (L: number) => number): number => m.addFunction(f, 'ii');

  // The thread A.run runs the user's main chunk in: yielding there is yielding outside a coroutine.
  let mainThread = 0;
  const setmain = fn((L) => {
    mainThread = L;
    return 0;
  });
  const yieldC = fn((L) => {
    if (L === mainThread) {
      lua.lua_pushstring(L, 'attempt to yield from outside a coroutine');
      return lua.lua_error(L);
    }
    return lua.lua_yieldk(L, lua.lua_gettop(L), 0, null);
  });
  // print as Lua's: luaL_tolstring on each argument (metamethods called by print itself), bytes out.
  const TAB = Buffer.from('\t');
  const NL = Buffer.from('\n');
  const print = fn((L) => {
    const n = lua.lua_gettop(L);
    const parts: Buffer[] = [];
    for (let i = 1; i <= n; i++) {
      lua.luaL_tolstring(L, i, null);
      if (i > 1) parts.push(TAB);
      parts.push(bytesAt(L, -1));
      lua.lua_settop(L, -2);
    }
    parts.push(NL);
    deps.out(1, Buffer.concat(parts));
    return 0;
  });
  const out = fn((L) => {
    deps.out(Number(lua.lua_tointegerx(L, 1, null)), bytesAt(L, 2));
    return 0;
  });
  const fread = fn((L) => {
    try {
      const f = deps.files.get(Number(lua.lua_tointegerx(L, 1, null)));
      const n = Number(lua.lua_tointegerx(L, 2, null));
      if (!f) return pushError(L, 'file is closed');
      const buf = Buffer.alloc(Math.max(0, n));
      const got = fs.readSync(f.fd, buf, 0, buf.length, f.pos);
      f.pos += got;
      if (got === 0) {
        lua.lua_pushnil(L);
        return 1;
      }
      pushBytes(L, buf.subarray(0, got));
      return 1;
    } catch (err) {
      return pushError(L, err instanceof Error ? err.message : String(err));
    }
  });
  const fwrite = fn((L) => {
    try {
      const f = deps.files.get(Number(lua.lua_tointegerx(L, 1, null)));
      if (!f) return pushError(L, 'file is closed');
      const bytes = bytesAt(L, 2);
      if (f.append) {
        fs.writeSync(f.fd, bytes);
      } else {
        fs.writeSync(f.fd, bytes, 0, bytes.length, f.pos);
        f.pos += bytes.length;
      }
      lua.lua_pushboolean(L, 1);
      return 1;
    } catch (err) {
      return pushError(L, err instanceof Error ? err.message : String(err));
    }
  });
  // readfile(path) -> bytes | nil, "cannot open <path>: <reason>"
  const readfile = fn((L) => {
    const p = bytesAt(L, 1).toString('utf8');
    try {
      pushBytes(L, fs.readFileSync(deps.resolvePath(p)));
      return 1;
    } catch (err) {
      return pushError(L, `cannot open ${p}: ${errnoReason(err)}`);
    }
  });
  // prepare(code, chunkname) -> nil (load the code as it is) | text [, "line=id;..."]
  const prepare = fn((L) => {
    const code = bytesAt(L, 1).toString('latin1');
    let name = bytesAt(L, 2).toString('utf8');
    if (name.startsWith('@')) name = '@' + deps.resolvePath(name.slice(1));
    const r = deps.prepare(code, name);
    const [text, fmap] = typeof r === 'string' ? [r, undefined] : (r as unknown[]);
    if (text === code && !fmap) return 0;
    pushBytes(L, Buffer.from(String(text), 'latin1'));
    if (!fmap) return 1;
    const pairs = Object.entries(fmap as Record<string, number>).map(([l, id]) => `${l}=${id}`);
    lua.lua_pushstring(L, pairs.join(';'));
    return 2;
  });
  const source = fn((L) => {
    pushBytes(L, deps.takeSource());
    return 1;
  });
  // The continuation of a yieldable wrapper: after a yield, f's results are all the frame holds.
  const allResults = m.addFunction((L: number) => lua.lua_gettop(L), 'iiii');
  // cwrap(f) -> a C function that calls f with its arguments and returns f's results.
  // cwrap(f, true) -> a C function mk; mk(v) is a C closure (one upvalue, v) that calls f(v, ...).
  // cwrap(f, false, true) -> as cwrap(f), and code f runs may yield across it (as across dofile).
  const cwrap = fn((L) => {
    const factory = lua.lua_toboolean(L, 2) !== 0;
    const k = lua.lua_toboolean(L, 3) !== 0 ? allResults : null;
    lua.lua_settop(L, 1);
    const ref = BigInt(lua.luaL_ref(L, LUA_REGISTRYINDEX));
    const call = (L2: number, withUpvalue: boolean): number => {
      if (withUpvalue) {
        lua.lua_pushvalue(L2, LUA_UPVALUE1);
        lua.lua_rotate(L2, 1, 1);
      }
      lua.lua_rawgeti(L2, LUA_REGISTRYINDEX, ref);
      lua.lua_rotate(L2, 1, 1);
      lua.lua_callk(L2, lua.lua_gettop(L2) - 1, LUA_MULTRET, 0, k);
      return lua.lua_gettop(L2);
    };
    if (!factory) {
      lua.lua_pushcclosure(
        L,
        fn((L2) => call(L2, false)),
        0,
      );
      return 1;
    }
    const body = fn((L2) => call(L2, true));
    const mk = fn((L2) => {
      lua.lua_settop(L2, 1);
      lua.lua_pushcclosure(L2, body, 1);
      return 1;
    });
    lua.lua_pushcclosure(L, mk, 0);
    return 1;
  });
  // newfile(metatable) -> a full userdata with that metatable (io handles are userdata, as in Lua).
  const newfile = fn((L) => {
    lua.lua_newuserdatauv(L, 1, 0);
    lua.lua_rotate(L, 1, 1);
    lua.lua_settop(L, 2);
    lua.lua_setmetatable(L, 1);
    return 1;
  });
  return { out, print, setmain, yield: yieldC, fread, fwrite, readfile, prepare, source, cwrap, newfile };
}

export function errnoReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'No such file or directory';
  if (e.code === 'EACCES') return 'Permission denied';
  if (e.code === 'EISDIR') return 'Is a directory';
  return e.message ?? String(err);
}
