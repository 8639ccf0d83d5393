/**
 * Precompiled Lua chunks for the VM's own code (the agent's modules and the host modules' Lua).
 *
 * Compiling the agent's ~70 KB of Lua is a large part of a VM's start-up while wasmoon still runs
 * the Lua compiler as baseline-compiled WebAssembly; loading the same chunks as bytecode skips the
 * compiler (docs/ARCHITECTURE.md, "Start-up"). `npm run build` (also `prepare` and `npm test`) runs
 * kernel/build/bytecode.ts, which compiles every chunk with the installed wasmoon and writes
 * `lua-bytecode.bin` beside this file, each chunk with its source. A chunk is used only when its
 * chunk name and source bytes are exactly those it was compiled from (a native byte comparison, no
 * hashing), so an edited module, or host Lua generated for a non-default config, is compiled from
 * source as before. Dumps keep debug information (`string.dump(f, false)`): chunk names, line
 * numbers and local names are the source's.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { LuaEngine } from 'wasmoon';

export const BYTECODE_FILE = path.join(__dirname, 'lua-bytecode.bin');
/** The chunk name of all VM-owned Lua (agent and host modules): hidden from user stacks. */
export const AGENT_CHUNK_NAME = '=[llmspell]';
const MAGIC = 'llmspell-lua-bytecode';
const FORMAT = 1;

interface Index {
  magic: string;
  format: number;
  /** The wasmoon version that compiled the chunks (bytecode is specific to the Lua build). */
  wasmoon: string;
  /** [chunk name, offset of the source, its length, offset of the bytecode, its length] */
  chunks: Array<[name: string, src: number, srcLength: number, code: number, codeLength: number]>;
}

/** A chunk to store: its name, exact source and the dump of its compiled function. */
export interface CompiledChunk {
  name: string;
  source: Uint8Array;
  bytecode: Uint8Array;
}

/** The precompiled chunks of one build, found by chunk name and exact source. */
export class BytecodeCache {
  private constructor(
    private readonly index: Index,
    private readonly data: Buffer,
  ) {}

  /** The cache file if it exists and was built by this wasmoon; undefined otherwise. */
  static open(file = BYTECODE_FILE): BytecodeCache | undefined {
    try {
      return BytecodeCache.fromBuffer(fs.readFileSync(file));
    } catch {
      return undefined;
    }
  }

  /** A cache from the contents of a cache file; undefined when malformed or built by another wasmoon. */
  static fromBuffer(raw: Buffer, wasmoonVersion = installedWasmoonVersion()): BytecodeCache | undefined {
    const nl = raw.indexOf(10);
    if (nl < 0) return undefined;
    try {
      const index = JSON.parse(raw.subarray(0, nl).toString('utf8')) as Index;
      if (index.magic !== MAGIC || index.format !== FORMAT || index.wasmoon !== wasmoonVersion)
        return undefined;
      return new BytecodeCache(index, raw.subarray(nl + 1));
    } catch {
      return undefined;
    }
  }

  get(name: string, source: Uint8Array): Uint8Array | undefined {
    for (const [n, src, srcLength, code, codeLength] of this.index.chunks) {
      if (srcLength !== source.length || n !== name) continue;
      if (Buffer.compare(this.data.subarray(src, src + srcLength), source) === 0)
        return this.data.subarray(code, code + codeLength);
    }
    return undefined;
  }

  /** The file contents for compiled chunks (written by kernel/build/bytecode.ts). */
  static serialize(wasmoonVersion: string, chunks: CompiledChunk[]): Buffer {
    const index: Index = { magic: MAGIC, format: FORMAT, wasmoon: wasmoonVersion, chunks: [] };
    const parts: Uint8Array[] = [];
    let offset = 0;
    const put = (bytes: Uint8Array): number => {
      parts.push(bytes);
      offset += bytes.length;
      return offset - bytes.length;
    };
    for (const c of chunks) {
      const src = put(c.source);
      const code = put(c.bytecode);
      index.chunks.push([c.name, src, c.source.length, code, c.bytecode.length]);
    }
    return Buffer.concat([Buffer.from(JSON.stringify(index) + '\n'), ...parts]);
  }
}

/** wasmoon's version from its package.json (read, not required: no JSON module loading). */
export function installedWasmoonVersion(): string {
  try {
    const pkg = path.join(path.dirname(require.resolve('wasmoon')), '..', 'package.json');
    return (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The raw exports the loader needs (they exist on wasmoon's module but are not in its types). */
type RawModule = LuaEngine['global']['lua']['module'] & {
  _luaL_loadbufferx(L: number, buf: number, size: number, name: number, mode: number): number;
  _lua_tolstring(L: number, idx: number, lenPtr: number): number;
};

function rawModule(engine: LuaEngine): RawModule {
  return engine.global.lua.module as RawModule;
}

function withCString<T>(m: RawModule, text: string, fn: (ptr: number) => T): T {
  const ptr = m.stringToNewUTF8(text);
  try {
    return fn(ptr);
  } finally {
    m._free(ptr);
  }
}

/**
 * Load a chunk onto L's stack the way `load(source, name)` does (status 0 and the function, or an
 * error status and the message), from the cache when it holds this exact source.
 */
export function loadChunk(
  engine: LuaEngine,
  L: number,
  name: string,
  source: Uint8Array,
  cache: BytecodeCache | undefined,
): number {
  const m = rawModule(engine);
  const bytecode = cache?.get(name, source);
  const bytes = bytecode ?? source;
  const buf = m._malloc(Math.max(1, bytes.length));
  try {
    m.HEAPU8.set(bytes, buf);
    return withCString(m, name, (namePtr) =>
      withCString(m, bytecode ? 'b' : 't', (modePtr) =>
        m._luaL_loadbufferx(L, buf, bytes.length, namePtr, modePtr),
      ),
    );
  } finally {
    m._free(buf);
  }
}

/** Compile `source` as chunk `name` and dump it with debug information (bytecode-build.ts). */
export function compileChunk(engine: LuaEngine, name: string, source: Uint8Array): Uint8Array {
  const L = engine.global.address;
  const lua = engine.global.lua;
  const m = rawModule(engine);
  const status = loadChunk(engine, L, name, source, undefined);
  if (status !== 0) {
    const message = lua.lua_tolstring(L, -1, null);
    lua.lua_settop(L, 0);
    throw new Error(`cannot compile ${name}: ${message}`);
  }
  lua.lua_setglobal(L, '__llmspell_chunk');
  engine.doStringSync(`__llmspell_dump = string.dump(__llmspell_chunk, false); __llmspell_chunk = nil`);
  lua.lua_getglobal(L, '__llmspell_dump');
  const lenPtr = m._malloc(4);
  try {
    const ptr = m._lua_tolstring(L, -1, lenPtr);
    const len = m.getValue(lenPtr, 'i32') as number;
    return Uint8Array.from(m.HEAPU8.subarray(ptr, ptr + len));
  } finally {
    m._free(lenPtr);
    lua.lua_settop(L, 0);
    engine.doStringSync('__llmspell_dump = nil');
  }
}
