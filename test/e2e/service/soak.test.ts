import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { formatSoak, runSoak } from '../../../bench/soak-lib';

/**
 * Smoke variant of bench/soak.ts (the 60 s / 50 client soak): jupyter_client clients execute cells
 * against one `llmspell kernel start` with SIGHUP config reloads in between. Every execute_request
 * must get exactly one execute_reply and one idle status, and every reload must be logged. RSS is
 * not judged here (too short); bench/soak.ts does.
 *
 * `npm test` runs the smoke (4 clients, 4 s, reloads every 1.2 s); LLMSPELL_SOAK=1 runs the longer
 * variant (10 clients, 8 s) and `npm run bench:soak` the full one.
 */
const LONG = process.env.LLMSPELL_SOAK === '1';
const plan = LONG
  ? { seconds: 8, clients: 10, reloadEveryMs: 3000 }
  : { seconds: 4, clients: 4, reloadEveryMs: 1200 };

test(
  `soak: ${plan.clients} clients for ${plan.seconds} s with SIGHUP reloads lose no replies`,
  { timeout: 120_000 },
  async () => {
    const r = await runSoak(plan);
    const summary = formatSoak(r);
    const d = r.driver;
    assert.ok(d.sent > 0, `no executions\n${summary}`);
    assert.equal(d.lost, 0, summary);
    assert.equal(d.replied, d.sent, summary);
    assert.equal(d.duplicate_replies + d.unexpected_replies, 0, summary);
    assert.equal(d.missing_idle + d.duplicate_status, 0, summary);
    assert.equal(d.wrong_output + d.wrong_status + d.aborted, 0, summary);
    assert.deepEqual(d.exceptions, [], summary);
    // Reloads are timed by the load's clock; on a loaded machine a late one is skipped, so count them.
    assert.ok(r.reloadsSent >= 1, summary);
    assert.equal(r.reloadsLogged, r.reloadsSent, summary);
    assert.equal(r.reloadsLoggedWithChange, r.reloadsSent, summary);
    assert.equal(r.end.reloadsOk - r.start.reloadsOk, r.reloadsSent, summary);
    assert.equal(r.end.executions - r.start.executions, d.replied, summary);
    for (const c of r.criteria) assert.ok(c.ok, `${c.name}: ${c.detail}\n${summary}`);
  },
);
