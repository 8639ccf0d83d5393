import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { PathMapper, parsePathMappings } from '../../../debug-adapter/paths';
import { capabilities } from '../../../debug-adapter/capabilities';
import { HandleTable } from '../../../debug-adapter/handles';

test('pathMappings map both ways and leave other paths alone', () => {
  const m = new PathMapper([{ localRoot: '/home/me/proj', remoteRoot: '/workspace' }]);
  assert.equal(m.toRuntime('/home/me/proj/src/a.lua'), '/workspace/src/a.lua');
  assert.equal(m.toClient('/workspace/src/a.lua'), '/home/me/proj/src/a.lua');
  assert.equal(m.toRuntime('/home/me/project2/a.lua'), '/home/me/project2/a.lua');
  assert.equal(m.toClient('/other/a.lua'), '/other/a.lua');
  assert.equal(m.toRuntime('/home/me/proj'), '/workspace');
});

test('parsePathMappings keeps only well-formed entries', () => {
  assert.deepEqual(parsePathMappings([{ localRoot: 'a', remoteRoot: 'b' }, { localRoot: 1 }, null, 'x']), [
    { localRoot: 'a', remoteRoot: 'b' },
  ]);
  assert.deepEqual(parsePathMappings(undefined), []);
});

test('capabilities snapshot', () => {
  const c = capabilities();
  assert.deepEqual(
    Object.keys(c)
      .filter((k) => (c as Record<string, unknown>)[k] === true)
      .sort(),
    [
      'supportTerminateDebuggee',
      'supportsBreakpointLocationsRequest',
      'supportsCompletionsRequest',
      'supportsConditionalBreakpoints',
      'supportsConfigurationDoneRequest',
      'supportsDelayedStackTraceLoading',
      'supportsEvaluateForHovers',
      'supportsExceptionInfoRequest',
      'supportsFunctionBreakpoints',
      'supportsHitConditionalBreakpoints',
      'supportsLoadedSourcesRequest',
      'supportsLogPoints',
      'supportsRestartRequest',
      'supportsSetVariable',
      'supportsStepInTargetsRequest',
      'supportsTerminateRequest',
    ],
  );
  assert.deepEqual(
    c.exceptionBreakpointFilters?.map((f) => f.filter),
    ['uncaught', 'all'],
  );
});

test('handle ids never repeat after clear; keys dedupe', () => {
  const t = new HandleTable<number>(1);
  const a = t.add(10, 'k');
  assert.equal(t.add(10, 'k'), a);
  t.clear();
  assert.equal(t.get(a), undefined);
  assert.notEqual(t.add(10, 'k'), a);
});
