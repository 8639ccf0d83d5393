import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import {
  T,
  fixture,
  harness,
  launch,
  topFrame,
  variables,
  repl,
  within,
  waitOutput,
  runToEnd,
} from './helpers';
import { lineOf } from '../../support/positions';

const VARS = fixture('vars.lua');
const PRINT = lineOf(VARS, 'print(label, shared');

test('scopes: Locals (with varargs), Upvalues and Globals (std lib folded)', T, async () => {
  const h = await harness();
  try {
    await launch(h, { program: VARS, breakpoints: [{ line: PRINT }] });
    const f = await topFrame(h);
    const locals = await variables(h, f.id, 'Locals');
    assert.deepEqual(
      locals.filter((v) => ['label', 't', 'p', 'n'].includes(v.name)).map((v) => v.name),
      ['label', 't', 'p', 'n'],
    );
    const va = locals.find((v) => v.name === '...');
    assert.ok(va && va.variablesReference > 0, 'varargs are expandable');
    const vav = await within(h.dc.variablesRequest({ variablesReference: va.variablesReference }), 'varargs');
    assert.deepEqual(
      vav.body.variables.map((v) => v.value),
      ['10', '20'],
    );
    const ups = await variables(h, f.id, 'Upvalues');
    assert.ok(ups.some((v) => v.name === 'shared'));
    const globals = await variables(h, f.id, 'Globals');
    assert.ok(globals.some((v) => v.name === 'greeting'));
    assert.ok(!globals.some((v) => v.name === 'string'), 'std lib is folded away');
    assert.ok(globals.some((v) => v.name === '[standard library]'));
  } finally {
    await h.close();
  }
});

test('tables expand lazily, nested tables and metatables included', T, async () => {
  const h = await harness();
  try {
    await launch(h, { program: VARS, breakpoints: [{ line: PRINT }] });
    const f = await topFrame(h);
    const locals = await variables(h, f.id);
    const t = locals.find((v) => v.name === 't')!;
    assert.ok(t.variablesReference > 0);
    const tv = (await within(h.dc.variablesRequest({ variablesReference: t.variablesReference }), 't')).body
      .variables;
    assert.ok(tv.some((v) => v.name === 'x' && v.value === '1'));
    const y = tv.find((v) => v.name === 'y')!;
    const yv = (await within(h.dc.variablesRequest({ variablesReference: y.variablesReference }), 'y')).body
      .variables;
    assert.ok(yv.some((v) => v.name === 'z' && v.value === '2'));
    const p = locals.find((v) => v.name === 'p')!;
    const pv = (await within(h.dc.variablesRequest({ variablesReference: p.variablesReference }), 'p')).body
      .variables;
    assert.ok(pv.some((v) => v.name === '[metatable]'));
  } finally {
    await h.close();
  }
});

test('variablesReference from an earlier stop is rejected after a resume', T, async () => {
  const h = await harness();
  try {
    await launch(h, {
      program: fixture('basic.lua'),
      breakpoints: [{ line: lineOf(fixture('basic.lua'), 'counter = counter + 1') }],
    });
    const f = await topFrame(h);
    const scopes = await within(h.dc.scopesRequest({ frameId: f.id }), 'scopes');
    const ref = scopes.body.scopes[0].variablesReference;
    const stopped = h.wait('stopped');
    await within(h.dc.continueRequest({ threadId: 1 }), 'continue');
    await stopped;
    await assert.rejects(within(h.dc.variablesRequest({ variablesReference: ref }), 'stale vars'), /stale/);
  } finally {
    await h.close();
  }
});

test('setVariable on a local, an upvalue and a table field changes what the program sees', T, async () => {
  const h = await harness();
  try {
    await launch(h, { program: VARS, breakpoints: [{ line: PRINT }] });
    const f = await topFrame(h);
    const scopes = (await within(h.dc.scopesRequest({ frameId: f.id }), 'scopes')).body.scopes;
    const localsRef = scopes.find((s) => s.name === 'Locals')!.variablesReference;
    const upRef = scopes.find((s) => s.name === 'Upvalues')!.variablesReference;
    const r1 = await within(
      h.dc.setVariableRequest({ variablesReference: localsRef, name: 'label', value: '"changed"' }),
      'set local',
    );
    assert.equal(r1.body.value, '"changed"');
    await within(
      h.dc.setVariableRequest({ variablesReference: upRef, name: 'shared', value: '"new"' }),
      'set up',
    );
    const locals = (await within(h.dc.variablesRequest({ variablesReference: localsRef }), 'locals')).body
      .variables;
    const t = locals.find((v) => v.name === 't')!;
    await within(
      h.dc.setVariableRequest({ variablesReference: t.variablesReference, name: 'x', value: '40 + 2' }),
      'set field',
    );
    assert.equal(await repl(h, 't.x', f.id), '42');
    await runToEnd(h);
    await waitOutput(h, 'changed\tnew\t42\t3\t2');
  } finally {
    await h.close();
  }
});

test('evaluate for hovers and watches reads the selected frame; errors are error responses', T, async () => {
  const h = await harness();
  try {
    await launch(h, { program: VARS, breakpoints: [{ line: PRINT }] });
    const st = (await within(h.dc.stackTraceRequest({ threadId: 1 }), 'stack')).body.stackFrames;
    const hover = await within(
      h.dc.evaluateRequest({ expression: 't.y.z + 1', frameId: st[0].id, context: 'hover' }),
      'hover',
    );
    assert.equal(hover.body.result, '3');
    const watch = await within(
      h.dc.evaluateRequest({ expression: 'n', frameId: st[0].id, context: 'watch' }),
      'watch',
    );
    assert.equal(watch.body.result, '2');
    const caller = st.find((f) => f.name === 'main chunk')!;
    const outer = await within(
      h.dc.evaluateRequest({ expression: 'shared', frameId: caller.id, context: 'hover' }),
      'outer',
    );
    assert.equal(outer.body.result, '"up"');
    const tbl = await within(
      h.dc.evaluateRequest({ expression: 't', frameId: st[0].id, context: 'watch' }),
      'table',
    );
    assert.ok(tbl.body.variablesReference > 0);
    await assert.rejects(
      within(h.dc.evaluateRequest({ expression: 'nil + 1', frameId: st[0].id, context: 'hover' }), 'err'),
      /arithmetic/,
    );
  } finally {
    await h.close();
  }
});

test('completions in the debug console see locals and table members', T, async () => {
  const h = await harness();
  try {
    await launch(h, { program: VARS, breakpoints: [{ line: PRINT }] });
    const f = await topFrame(h);
    const c1 = await within(
      h.dc.completionsRequest({ text: 'lab', column: 4, frameId: f.id }),
      'complete lab',
    );
    assert.ok(c1.body.targets.some((t) => t.label === 'label'));
    const c2 = await within(h.dc.completionsRequest({ text: 't.', column: 3, frameId: f.id }), 'complete t.');
    assert.ok(c2.body.targets.some((t) => t.label === 'x'));
    assert.ok(c2.body.targets.some((t) => t.label === 'y'));
    const c3 = await within(
      h.dc.completionsRequest({ text: ':wa', column: 4, frameId: f.id }),
      'complete :wa',
    );
    assert.deepEqual(
      c3.body.targets.map((t) => t.label),
      ['watch'],
    );
  } finally {
    await h.close();
  }
});

test('loadedSources and source paths of frames', T, async () => {
  const h = await harness();
  try {
    await launch(h, { program: VARS, breakpoints: [{ line: PRINT }] });
    const r = (await within(
      h.dc.customRequest('loadedSources', {}),
      'loadedSources',
    )) as DebugProtocol.LoadedSourcesResponse;
    assert.ok(r.body.sources.some((s) => s.path === VARS));
    assert.equal((await topFrame(h)).source?.path, VARS);
  } finally {
    await h.close();
  }
});
