import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { fixture, harness, launch, topFrame, runToEnd, variables } from './helpers';

test('smoke: breakpoint on a blank line moves, stops, variables, runs to the end', async () => {
  const h = await harness();
  try {
    const p = fixture('basic.lua');
    const bpResp = h.wait<DebugProtocol.BreakpointEvent>('breakpoint').catch(() => undefined);
    void bpResp;
    const stopped = await launch(h, { program: p, breakpoints: [{ line: 6 }] });
    assert.equal(stopped?.body.reason, 'breakpoint');
    const f = await topFrame(h);
    assert.equal(f.line, 7);
    const vars = await variables(h, f.id);
    assert.ok(vars.find((v) => v.name === 'sum'));
    await runToEnd(h);
  } finally {
    await h.close();
  }
});
