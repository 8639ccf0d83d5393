import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { formatSoak, runSoak } from '../../../bench/soak-lib';

/**
 * Short variant of bench/soak.ts (the 60 s / 50 client soak): 10 jupyter_client clients execute
 * cells for 8 s against one `llmspell kernel start` with two SIGHUP config reloads in between.
 * Every execute_request must get exactly one execute_reply and one idle status, and both reloads
 * must be logged. RSS is not judged here (too short); bench/soak.ts does.
 */
test('soak: 10 clients for 8 s with two SIGHUP reloads lose no replies', { timeout: 60_000 }, async () => {
  const r = await runSoak({ seconds: 8, clients: 10, reloadEveryMs: 3000 });
  const summary = formatSoak(r);
  const d = r.driver;
  assert.ok(d.sent > 50, `only ${d.sent} executions\n${summary}`);
  assert.equal(d.lost, 0, summary);
  assert.equal(d.replied, d.sent, summary);
  assert.equal(d.duplicate_replies + d.unexpected_replies, 0, summary);
  assert.equal(d.missing_idle + d.duplicate_status, 0, summary);
  assert.equal(d.wrong_output + d.wrong_status + d.aborted, 0, summary);
  assert.deepEqual(d.exceptions, [], summary);
  assert.equal(r.reloadsSent, 2, summary);
  assert.equal(r.reloadsLogged, 2, summary);
  assert.equal(r.reloadsLoggedWithChange, 2, summary);
  assert.equal(r.end.reloadsOk - r.start.reloadsOk, 2, summary);
  assert.equal(r.end.executions - r.start.executions, d.replied, summary);
  for (const c of r.criteria) assert.ok(c.ok, `${c.name}: ${c.detail}\n${summary}`);
});
