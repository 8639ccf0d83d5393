/**
 * Build step (`npm run build`, `prepare`, `npm test`): precompile the VM's own Lua to bytecode.
 * Compiles every agent module under kernel/runtime/lua/ and the host modules' Lua for the default
 * settings with the installed wasmoon, and writes dist/kernel/runtime/lua-bytecode.bin
 * (kernel/runtime/bytecode.ts explains the lookup). Run by kernel/build/index.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { LuaFactory } from 'wasmoon';
import {
  AGENT_CHUNK_NAME,
  BYTECODE_FILE,
  BytecodeCache,
  compileChunk,
  installedWasmoonVersion,
} from '../runtime/bytecode';
import { hostModules } from '../hostapi';
import { defaultHostSettings } from '../config/defaults';

const LUA_DIR = path.resolve(__dirname, '..', '..', '..', 'kernel', 'runtime', 'lua');

/** Every .lua file under dir (the agent, split into modules or not). */
function luaFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? luaFiles(path.join(dir, e.name))
        : e.name.endsWith('.lua')
          ? [path.join(dir, e.name)]
          : [],
    )
    .filter((f) => !f.endsWith('.meta.lua'))
    .sort();
}

/** The host modules' Lua as a runtime with default settings generates it. */
function defaultHostLua(): string[] {
  const settings = defaultHostSettings();
  return hostModules({ settings, env: {}, cwd: process.cwd() }).map((m) => m.lua);
}

/** The cache file's contents: every agent module and the default host modules, compiled. */
export async function compileVmLua(): Promise<Buffer> {
  const engine = await new LuaFactory().createEngine({ openStandardLibs: true, injectObjects: false });
  try {
    const sources: Uint8Array[] = [
      ...luaFiles(LUA_DIR).map((f) => fs.readFileSync(f)),
      ...defaultHostLua().map((text) => Buffer.from(text, 'utf8')),
    ];
    const chunks = sources.map((source) => ({
      name: AGENT_CHUNK_NAME,
      source,
      bytecode: compileChunk(engine, AGENT_CHUNK_NAME, source),
    }));
    return BytecodeCache.serialize(installedWasmoonVersion(), chunks);
  } finally {
    engine.global.close();
  }
}

/** Write dist/kernel/runtime/lua-bytecode.bin (atomically: a running worker may be reading it). */
export async function writeBytecode(): Promise<void> {
  const data = await compileVmLua();
  fs.mkdirSync(path.dirname(BYTECODE_FILE), { recursive: true });
  const tmp = `${BYTECODE_FILE}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, BYTECODE_FILE);
}
