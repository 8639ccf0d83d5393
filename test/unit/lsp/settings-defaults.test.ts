import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseSettings } from '../../../server/config';

test('settings without values get the schema defaults without loading the validator', () => {
  // {} and undefined take the fast path; { enableSnippets: true } (the default) goes through the zod schema.
  const validated = parseSettings({ enableSnippets: true });
  assert.equal(validated.error, undefined);
  assert.deepEqual(parseSettings({}), validated);
  assert.deepEqual(parseSettings(undefined), validated);
  assert.deepEqual(parseSettings(null), validated);
  assert.match(parseSettings({ enableDebug: 3 }).error ?? '', /expected boolean/);
});
