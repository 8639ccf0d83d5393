/** DebugState (the breakpoint/stop book on the main thread) and its replay, without a worker. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { DebugState, replayDebugState } from '../../../kernel/runtime/debug-state';
import type { BreakpointSpec, DebuggerApi, ExceptionFilters } from '../../../kernel/runtime/types';

test('line breakpoints are kept per owner and per path; an empty set removes the entry', () => {
  const s = new DebugState();
  s.setLines('dap-1', '/a.lua', [{ line: 3 }, { line: 5, condition: 'x > 1' }]);
  s.setLines('dap-1', '/b.lua', [{ line: 1 }]);
  s.setLines('jupyter', '/a.lua', [{ line: 4, logMessage: 'x is {x}' }]);
  assert.deepEqual(s.lineBreakpoints(), [
    { owner: 'dap-1', path: '/a.lua', specs: [{ line: 3 }, { line: 5, condition: 'x > 1' }] },
    { owner: 'dap-1', path: '/b.lua', specs: [{ line: 1 }] },
    { owner: 'jupyter', path: '/a.lua', specs: [{ line: 4, logMessage: 'x is {x}' }] },
  ]);
  assert.deepEqual(
    s.lineBreakpoints('jupyter').map((b) => b.path),
    ['/a.lua'],
  );
  // replacing one owner's set for one path leaves the others alone
  s.setLines('dap-1', '/a.lua', [{ line: 7 }]);
  assert.deepEqual(s.lineBreakpoints('dap-1')[0].specs, [{ line: 7 }]);
  assert.deepEqual(s.lineBreakpoints('jupyter')[0].specs, [{ line: 4, logMessage: 'x is {x}' }]);
  // clearing every path of an owner forgets the owner
  s.setLines('dap-1', '/a.lua', []);
  s.setLines('dap-1', '/b.lua', []);
  assert.deepEqual(s.lineBreakpoints('dap-1'), []);
  assert.equal(s.lineBreakpoints().length, 1);
  assert.deepEqual(s.lineBreakpoints('nobody'), []);
});

test('the book keeps copies: callers mutating their arrays change nothing recorded', () => {
  const s = new DebugState();
  const specs: BreakpointSpec[] = [{ line: 2 }];
  s.setLines('o', '/x.lua', specs);
  specs.push({ line: 9 });
  s.lineBreakpoints()[0].specs.push({ line: 10 });
  assert.deepEqual(s.lineBreakpoints()[0].specs, [{ line: 2 }]);
  const names = ['f'];
  s.setFunctions('o', names);
  names.push('g');
  assert.deepEqual(s.functionBreakpoints(), [{ owner: 'o', names: ['f'] }]);
  const filters = s.filters;
  filters.all = true;
  assert.deepEqual(s.filters, { uncaught: false, all: false });
});

test('function breakpoints and exception filters per owner; empty names forget the owner', () => {
  const s = new DebugState();
  s.setFunctions('a', ['add', 'M.run']);
  s.setFunctions('b', ['fib']);
  assert.deepEqual(s.functionBreakpoints(), [
    { owner: 'a', names: ['add', 'M.run'] },
    { owner: 'b', names: ['fib'] },
  ]);
  assert.deepEqual(s.functionBreakpoints('b'), [{ owner: 'b', names: ['fib'] }]);
  s.setFunctions('a', []);
  assert.deepEqual(s.functionBreakpoints(), [{ owner: 'b', names: ['fib'] }]);
  s.setFilters({ uncaught: true, all: false, extra: 1 } as ExceptionFilters);
  assert.deepEqual(s.filters, { uncaught: true, all: false });
});

test('stop state follows stopped / continued / crashed events and clearStop', () => {
  const s = new DebugState();
  assert.equal(s.stop, undefined);
  s.observe({ type: 'stopped', reason: 'breakpoint', threadId: 1, hitBreakpointIds: [3] });
  assert.deepEqual(s.stop, { threadId: 1, reason: 'breakpoint' });
  s.observe({ type: 'output', stream: 'stdout', text: 'x' } as never);
  assert.deepEqual(s.stop, { threadId: 1, reason: 'breakpoint' }, 'other events change nothing');
  s.observe({ type: 'continued', threadId: 1 });
  assert.equal(s.stop, undefined);
  s.observe({ type: 'stopped', reason: 'pause', threadId: 2, hitBreakpointIds: [] });
  assert.deepEqual(s.stop, { threadId: 2, reason: 'pause' });
  s.observe({ type: 'crashed', message: 'worker died' });
  assert.equal(s.stop, undefined);
  s.observe({ type: 'stopped', reason: 'exception', threadId: 1, hitBreakpointIds: [] });
  s.clearStop();
  assert.equal(s.stop, undefined);
});

/** A DebuggerApi that records the calls replay makes. */
function recorder(): { api: DebuggerApi; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const api = {
    setBreakpoints: async (path: string, specs: BreakpointSpec[], owner?: string) => {
      calls.push(['lines', path, specs, owner]);
      return [];
    },
    setFunctionBreakpoints: async (names: string[], owner?: string) => {
      calls.push(['functions', names, owner]);
      return [];
    },
    setExceptionFilters: async (f: ExceptionFilters) => {
      calls.push(['filters', f]);
    },
  } as unknown as DebuggerApi;
  return { api, calls };
}

test("replayDebugState sets every owner's breakpoints and the filters on another runtime", async () => {
  const s = new DebugState();
  s.setLines('dap-1', '/a.lua', [{ line: 3, hitCondition: '% 2' }]);
  s.setLines('jupyter', '/cell.lua', [{ line: 1 }]);
  s.setFunctions('dap-1', ['fib']);
  s.setFilters({ uncaught: true, all: false });
  const { api, calls } = recorder();
  await replayDebugState(s, api);
  assert.deepEqual(calls, [
    ['lines', '/a.lua', [{ line: 3, hitCondition: '% 2' }], 'dap-1'],
    ['lines', '/cell.lua', [{ line: 1 }], 'jupyter'],
    ['functions', ['fib'], 'dap-1'],
    ['filters', { uncaught: true, all: false }],
  ]);
});

test('replayDebugState of an empty book makes no calls (filters off are not sent)', async () => {
  const { api, calls } = recorder();
  await replayDebugState(new DebugState(), api);
  assert.deepEqual(calls, []);
});
