import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LuaFactory } from 'wasmoon';
import {
  AGENT_CHUNK_NAME,
  BytecodeCache,
  compileChunk,
  installedWasmoonVersion,
  loadChunk,
} from '../../../kernel/runtime/bytecode';
import { AGENT_MODULES } from '../../../kernel/runtime/protocol';
import { hostModules } from '../../../kernel/hostapi';
import { defaultHostSettings } from '../../../kernel/config/defaults';
import { compileVmLua } from '../../../kernel/build/bytecode';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const SOURCE = Buffer.from(
  'local M = {}\nfunction M.boom()\n  error("boom")\nend\nfunction M.locals()\n  local answer = 42\n  return debug.getlocal(1, 1)\nend\nreturn M\n',
);

async function engine() {
  return new LuaFactory().createEngine({ openStandardLibs: true, injectObjects: false, enableProxy: false });
}

test('a chunk loaded from bytecode keeps its chunk name, line numbers and local names', async () => {
  const lua = await engine();
  const cache = BytecodeCache.fromBuffer(
    BytecodeCache.serialize(installedWasmoonVersion(), [
      { name: AGENT_CHUNK_NAME, source: SOURCE, bytecode: compileChunk(lua, AGENT_CHUNK_NAME, SOURCE) },
    ]),
  );
  assert.ok(cache?.get(AGENT_CHUNK_NAME, SOURCE), 'the cache holds the chunk');
  const L = lua.global.address;
  assert.equal(loadChunk(lua, L, AGENT_CHUNK_NAME, SOURCE, cache), 0);
  lua.global.lua.lua_setglobal(L, 'chunk');
  const r = lua.doStringSync(`
    local M = chunk()
    local ok, err = pcall(M.boom)
    local info = debug.getinfo(M.boom, 'S')
    return { err = err, source = info.source, line = info.linedefined, name = M.locals() }
  `) as { err: string; source: string; line: number; name: string };
  assert.deepEqual(r, { err: '[llmspell]:3: boom', source: '=[llmspell]', line: 2, name: 'answer' });
  lua.global.close();
});

test('only the exact source and chunk name hit; anything else is compiled from source', async () => {
  const lua = await engine();
  const cache = BytecodeCache.fromBuffer(
    BytecodeCache.serialize(installedWasmoonVersion(), [
      { name: AGENT_CHUNK_NAME, source: SOURCE, bytecode: compileChunk(lua, AGENT_CHUNK_NAME, SOURCE) },
    ]),
  )!;
  const edited = Buffer.from(SOURCE.toString().replace('"boom"', '"bang"'));
  assert.equal(cache.get(AGENT_CHUNK_NAME, edited), undefined);
  assert.equal(cache.get('=other', SOURCE), undefined);
  // an edited chunk still loads (from source) with the same name
  const L = lua.global.address;
  assert.equal(loadChunk(lua, L, AGENT_CHUNK_NAME, edited, cache), 0);
  lua.global.lua.lua_setglobal(L, 'chunk');
  assert.equal(lua.doStringSync('local ok, e = pcall(chunk().boom) return e'), '[llmspell]:3: bang');
  // a cache built by another wasmoon is not used at all
  const other = BytecodeCache.serialize('0.0.0-other', [
    { name: AGENT_CHUNK_NAME, source: SOURCE, bytecode: SOURCE },
  ]);
  assert.equal(BytecodeCache.fromBuffer(other), undefined);
  lua.global.close();
});

test('the build step precompiles every agent module and the default host modules', async () => {
  // What kernel/build writes to dist/kernel/runtime/lua-bytecode.bin (built here, so a plain
  // `tsc` after editing the agent does not make this test read a stale file).
  const cache = BytecodeCache.fromBuffer(await compileVmLua());
  assert.ok(cache);
  for (const name of AGENT_MODULES) {
    const file = path.join(ROOT, 'kernel', 'runtime', 'lua', 'agent', `${name}.lua`);
    assert.ok(cache.get(AGENT_CHUNK_NAME, fs.readFileSync(file)), `agent module ${name}`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-bytecode-'));
  for (const m of hostModules({ settings: defaultHostSettings(), env: {}, cwd: dir }))
    assert.ok(cache.get(AGENT_CHUNK_NAME, Buffer.from(m.lua)), `host module ${m.name}`);
  fs.rmSync(dir, { recursive: true, force: true });
});
