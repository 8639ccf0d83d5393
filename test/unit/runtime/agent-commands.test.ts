/**
 * The agent's command handlers (kernel/runtime/lua/agent/commands.lua) on their own: the module
 * loaded into a bare Lua VM with recording stand-ins for the host (`H`), the agent (`A`) and the
 * internals it uses (`I`), each command sent through `A.command` as the worker sends it.
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { after, before, describe, it } from 'node:test';
import { LuaFactory, type LuaEngine } from 'wasmoon';

const COMMANDS_LUA = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'kernel',
  'runtime',
  'lua',
  'agent',
  'commands.lua',
);

/** The stand-ins; `log` records every call as `name(args)`, `S` is the agent's state. */
const SETUP = `
  log = {}
  local function rec(name) return function(...) log[#log + 1] = name .. '(' .. table.concat({ ... }, ',') .. ')' end end
  H = { reply = function(id, v, err) log[#log + 1] = 'reply(' .. tostring(id) .. ',' .. tostring(v) .. ',' .. tostring(err) .. ')' end }
  A = {}
  for _, n in ipairs({ 'stacktrace', 'scopes', 'variables', 'setvariable', 'evaluate', 'completions', 'threads' }) do
    A[n] = rec(n)
  end
  A.relive = function(c) log[#log + 1] = 'relive(' .. c.source .. ')' end
  S = { bps = {}, late = {}, lateFrames = {}, fbps = {}, filters = {}, inStop = false }
  I = {
    S = S,
    B = { next = next, tostring = tostring },
    arm = function(src, line, spec) return { src = src, line = line, id = spec.id } end,
    refresh_guards = function(src, line) log[#log + 1] = 'refresh_guards(' .. tostring(src) .. ',' .. tostring(line) .. ')' end,
    add_guard = function(c) log[#log + 1] = 'add_guard(' .. c.source .. ')' end,
  }
  assert(load(__src, '=[llmspell]'))(H, A, I)
`;

describe('agent commands (commands.lua) with stand-ins', () => {
  let engine: LuaEngine;
  before(async () => {
    engine = await new LuaFactory().createEngine();
    engine.global.set('__src', fs.readFileSync(COMMANDS_LUA, 'utf8'));
    engine.doStringSync(SETUP);
  });
  after(() => engine.global.close());

  /** Run Lua after clearing the log; returns what the chunk returns. */
  const lua = (code: string): unknown => engine.doStringSync(`log = {}\n${code}`);
  const log = (): string => engine.doStringSync(`return table.concat(log, ' ')`) as string;

  it('requests served while stopped go to the agent function with their named fields', () => {
    lua(`A.command({ cmd = 'stack', id = 7, threadId = 2 })
         A.command({ cmd = 'eval', id = 8, expr = 'x + 1', frameId = 3 })
         A.command({ cmd = 'setvar', id = 9, ref = 4, name = 'n', value = '5' })`);
    assert.equal(log(), 'stacktrace(7,2) evaluate(8,x + 1,3) setvariable(9,4,n,5)');
  });

  it('an unknown command is answered with an error; one without an id is ignored', () => {
    lua(`A.command({ cmd = 'nonsense', id = 3 }) A.command({ cmd = 'nonsense' })`);
    assert.equal(log(), 'reply(3,nil,unknown command nonsense)');
  });

  it('bp arms a line, late bps are remembered, clearbps of one source clears only that source', () => {
    lua(`A.command({ cmd = 'bp', source = '@a.lua', line = 3, spec = { id = 1 }, id = 10 })
         A.command({ cmd = 'bp', source = '@b.lua', line = 5, spec = { id = 2, late = true } })`);
    assert.equal(log(), 'refresh_guards(@a.lua,3) reply(10,true,nil) refresh_guards(@b.lua,5)');
    assert.equal(lua(`return S.bps['@a.lua'][3].id + S.bps['@b.lua'][5].id`), 3);
    assert.equal(lua(`return S.late['@b.lua'][5] == true and S.lateAny == true`), true);
    lua(`A.command({ cmd = 'clearbps', kind = 'line', source = '@b.lua' })`);
    assert.equal(lua(`return S.bps['@b.lua'] == nil and S.bps['@a.lua'] ~= nil`), true);
    assert.equal(lua(`return S.lateAny`), false, 'no late breakpoint is left');
    lua(`A.command({ cmd = 'clearbps', kind = 'line' })`);
    assert.equal(lua(`return next(S.bps) == nil`), true);
  });

  it('function breakpoints are kept per source line and cleared by kind', () => {
    lua(`A.command({ cmd = 'fbp', source = '@m.lua', line = 2, bpId = 11 })`);
    assert.equal(lua(`return S.fbps['@m.lua'][2]`), 11);
    lua(`A.command({ cmd = 'clearbps', kind = 'function' })`);
    assert.equal(lua(`return next(S.fbps) == nil`), true);
  });

  it('pause arms stepping while running (after the stop while stopped); interrupt, filters, entry and budget set the state', () => {
    lua(`S.inStop = true A.command({ cmd = 'pause' })`);
    assert.equal(
      lua(`return S.stepping == nil and S.pauseAfterStop == true`),
      true,
      'while stopped, the pause is kept for when the program runs on',
    );
    lua(`S.inStop = false A.command({ cmd = 'pause' })`);
    assert.equal(lua(`return S.stepping.kind .. tostring(S.stepping.pause)`), 'intrue');
    lua(`A.command({ cmd = 'interrupt' })
         A.command({ cmd = 'filters', uncaught = true, id = 4 })
         A.command({ cmd = 'entry', on = true })
         A.command({ cmd = 'budget', ticks = 12 })`);
    assert.equal(log(), 'reply(4,true,nil)');
    assert.equal(
      lua(`return table.concat({ tostring(S.interrupting), tostring(S.filters.uncaught), tostring(S.filters.all),
                                 tostring(S.entry), tostring(S.budgetTicks) }, ' ')`),
      'true true false true 12',
    );
  });

  it('relive and guard go to the modules that own them; resuming outside a stop does nothing', () => {
    lua(`A.command({ cmd = 'relive', source = '@r.lua', functions = {}, lines = {}, late = {} })
         A.command({ cmd = 'guard', source = '@g.lua' })
         A.command({ cmd = 'continue' }) A.command({ cmd = 'step' }) A.command({ cmd = 'terminate' })`);
    assert.equal(log(), 'relive(@r.lua) add_guard(@g.lua)');
  });
});
