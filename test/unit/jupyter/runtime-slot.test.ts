import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RUNTIME_CRASHED, RuntimeSlot } from '../../../kernel/jupyter/runtime-slot';
import { LuaRuntime } from '../../../kernel/runtime/runtime';
import type { RuntimeEvent } from '../../../kernel/runtime/types';
import { fixturePath } from '../../support/fixtures';
import { lineOf } from '../../support/positions';
import { signal } from '../../support/wait';
import { FakeRuntime } from './fake-runtime';

const CELL = { chunkName: '=cell', mode: 'cell' } as const;

/** A factory handing out FakeRuntimes, remembering each (the slot's fresh runtimes). */
function fakes(): { made: FakeRuntime[]; factory: () => Promise<FakeRuntime> } {
  const made: FakeRuntime[] = [];
  return { made, factory: async () => made[made.push(new FakeRuntime()) - 1] };
}

describe('RuntimeSlot: the kernel runtime that survives a crashed worker', () => {
  it('delegates to the current runtime; without a factory it cannot restart', async () => {
    const rt = new FakeRuntime();
    const slot = new RuntimeSlot(rt, false, undefined);
    assert.deepEqual(await slot.execute('value:7', CELL), { ok: true, values: ['7'] });
    assert.equal(rt.executed.length, 1);
    assert.equal(slot.canRestart, false);
    await assert.rejects(slot.restart(), /no runtime factory/);
    await slot.dispose();
    assert.equal(rt.disposed, false, 'a runtime the slot does not own is not disposed');
  });

  it('a cell running when the worker crashes is answered RuntimeCrashed; so is the next, until a restart', async () => {
    const first = new FakeRuntime();
    const { made, factory } = fakes();
    const slot = new RuntimeSlot(first, true, factory);
    const events: RuntimeEvent[] = [];
    slot.onEvent((e) => events.push(e));
    const crashed = await slot.execute('crash:wasm abort', CELL);
    assert.ok(!crashed.ok);
    assert.equal(crashed.error.ename, RUNTIME_CRASHED);
    assert.match(crashed.error.message, /wasm abort/);
    assert.deepEqual(events, [{ type: 'crashed', message: 'wasm abort' }]);
    const next = await slot.execute('value:1', CELL);
    assert.ok(!next.ok);
    assert.equal(next.error.ename, RUNTIME_CRASHED);
    assert.equal(first.executed.length, 1, 'nothing more was sent to the dead runtime');

    assert.equal(slot.canRestart, true);
    await slot.restart();
    assert.equal(first.disposed, true, 'the crashed runtime (owned) was disposed');
    assert.equal(slot.current, made[0]);
    assert.deepEqual(await slot.execute('value:2', CELL), { ok: true, values: ['2'] });
    assert.equal(made[0].executed.length, 1);
    await slot.dispose();
    assert.equal(made[0].disposed, true, 'the fresh runtime is owned and disposed with the slot');
  });

  it('requests made while a fresh runtime starts wait for it; the old runtime`s events are ignored', async () => {
    const first = new FakeRuntime();
    const gate = signal();
    const fresh = new FakeRuntime();
    const slot = new RuntimeSlot(first, true, async () => {
      await gate.promise;
      return fresh;
    });
    const events: RuntimeEvent[] = [];
    slot.onEvent((e) => events.push(e));
    const restarted = slot.restart();
    const during = slot.execute('print:hello', CELL);
    const completion = slot.complete('my');
    await first.execute('print:from the old runtime', CELL); // its listener was removed
    gate.resolve();
    await restarted;
    assert.deepEqual(await during, { ok: true, values: [] });
    assert.deepEqual((await completion).matches, ['myGlobal']);
    assert.deepEqual(
      fresh.executed.map((e) => e.code),
      ['print:hello'],
    );
    assert.deepEqual(events, [{ type: 'output', stream: 'stdout', text: 'hello\n' }]);
    await slot.dispose();
  });

  it('a factory that fails rejects the restart; later requests still reach the old runtime', async () => {
    const first = new FakeRuntime();
    const slot = new RuntimeSlot(first, false, () => Promise.reject(new Error('no worker')));
    await assert.rejects(slot.restart(), /no worker/);
    assert.equal(slot.current, first);
    assert.deepEqual(await slot.execute('value:3', CELL), { ok: true, values: ['3'] });
    await slot.dispose();
  });

  it('breakpoints and exception filters set through the slot are replayed onto the fresh runtime', async () => {
    const file = fixturePath('dap', 'basic.lua');
    const line = lineOf(file, 'counter = counter + 1');
    const first = await LuaRuntime.create({ name: 'slot-test' });
    const slot = new RuntimeSlot(first, true, () => LuaRuntime.create({ name: 'slot-test' }));
    try {
      const [bp] = await slot.debugger.setBreakpoints(file, [{ line }], 'client-1');
      assert.equal(bp.verified, true);
      await slot.debugger.setExceptionFilters({ all: false, uncaught: true });
      await slot.restart();
      assert.notEqual(slot.current, first);
      assert.deepEqual(
        slot.current.debugger.state
          .lineBreakpoints('client-1')
          .map((b) => [b.path, b.specs.map((s) => s.line)]),
        [[file, [line]]],
      );
      assert.deepEqual(slot.current.debugger.state.filters, { all: false, uncaught: true });
    } finally {
      await slot.dispose();
    }
  });
});
