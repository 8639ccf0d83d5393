/**
 * The worker/agent boundary: every agent command the TypeScript side can send has a handler in the
 * Lua dispatch table (and no handler is unknown to TypeScript); every host function the agent calls
 * is declared in the ---@meta file and implemented by the worker.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { LuaFactory } from 'wasmoon';
import {
  AGENT_COMMAND_NAMES,
  AGENT_HOST_NAMES,
  AGENT_MODULES,
  AGENT_RAW_HOST_NAMES,
} from '../../../kernel/runtime/protocol';

const LUA_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'kernel', 'runtime', 'lua');
const AGENT_DIR = path.join(LUA_DIR, 'agent');

test('each side of the agent boundary knows every command', async () => {
  const engine = await new LuaFactory().createEngine();
  try {
    // Load only the command module, with stub internals: its dispatch table is what A.command uses.
    engine.global.set('__src', fs.readFileSync(path.join(AGENT_DIR, 'commands.lua'), 'utf8'));
    const names = engine.doStringSync(`
      local A, I = {}, { S = {}, CO = {}, B = setmetatable({}, { __index = function() return function() end end }) }
      assert(load(__src, '=[llmspell]'))({}, A, I)
      local out = {}
      for k, v in pairs(A.COMMANDS) do if type(v) == 'function' then out[#out + 1] = k end end
      table.sort(out)
      return table.concat(out, ' ')
    `) as string;
    assert.deepEqual(names.split(' '), Object.keys(AGENT_COMMAND_NAMES).sort());
  } finally {
    engine.global.close();
  }
});

test('the host functions are declared once: AgentHost, the ---@meta file and the agent agree', () => {
  const meta = fs.readFileSync(path.join(LUA_DIR, 'host.meta.lua'), 'utf8');
  assert.match(meta, /^---@meta/);
  const klass = meta.slice(meta.indexOf('---@class AgentHost'));
  const declared = [...klass.matchAll(/^---@field (\w+) /gm)].map((m) => m[1]).sort();
  const expected = [...Object.keys(AGENT_HOST_NAMES), ...AGENT_RAW_HOST_NAMES].sort();
  assert.deepEqual(declared, expected);
  // Every H.name the agent uses is declared.
  const used = new Set<string>();
  for (const mod of AGENT_MODULES) {
    const src = fs.readFileSync(path.join(AGENT_DIR, `${mod}.lua`), 'utf8');
    for (const m of src.matchAll(/\bH\.(\w+)/g)) used.add(m[1]);
  }
  const undeclared = [...used].filter((n) => !declared.includes(n));
  assert.deepEqual(
    undeclared,
    [],
    `host functions used by the agent but not declared: ${undeclared.join(', ')}`,
  );
  // Every module in the load order exists, and every file in the folder is in the load order.
  const files = fs
    .readdirSync(AGENT_DIR)
    .filter((f) => f.endsWith('.lua'))
    .map((f) => f.slice(0, -4));
  assert.deepEqual(files.sort(), [...AGENT_MODULES].sort());
});
