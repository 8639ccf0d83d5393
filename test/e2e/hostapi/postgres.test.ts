import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { defaultHostSettings, type HostSettings } from '../../../kernel/config/config';
import { errorOf, makeHost, values } from '../../unit/hostapi/fake-providers';
import { PgServer } from './pg-server';

/** State on a real PostgreSQL server started by the test (Debian's postgresql package). */

let pg: PgServer;

before(async () => {
  pg = await new PgServer().init();
  // An ordinary role (superusers bypass row-level security) owning the database.
  pg.psql(`CREATE ROLE app LOGIN`);
  pg.psql(`CREATE DATABASE llmspell OWNER app`);
  pg.psql(`CREATE DATABASE manual OWNER app`);
});
after(() => pg?.destroy());

function settings(
  tenant: string,
  over: Partial<HostSettings['storage']['postgres']> = {},
  db = 'llmspell',
): HostSettings {
  const s = defaultHostSettings();
  s.storage.backend = 'postgres';
  s.storage.postgres = {
    url: pg.url('app', db),
    pool_size: 2,
    auto_migrate: true,
    enforce_tenant_isolation: true,
    tenant,
    ...over,
  };
  return s;
}

test('auto_migrate creates the tables once; nested tables round-trip', async () => {
  const h = await makeHost(settings('acme'));
  try {
    const r = await h.run(`
      State.set('cfg', { name = 'x', list = { 1, 2, { deep = true } }, empty = {}, n = 1.5, s = 'é' })
      State.set('n', 42)
      local v = State.get('cfg')
      return v.name, v.list[3].deep, v.n, v.s, JSON.stringify(v.empty), State.get('n'), State.get('nope'),
        table.concat(State.list(), ',')`);
    assert.deepEqual(values(r), ['"x"', 'true', '1.5', '"é"', '"{}"', '42', 'nil', '"cfg,n"']);
    assert.equal(
      pg.psql(`SELECT string_agg(version::text, ',' ORDER BY version) FROM llmspell_migrations`, 'llmspell'),
      '1,2',
    );
    assert.equal(
      pg.psql(
        `SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE relname = 'llmspell_state'`,
        'llmspell',
      ),
      't',
    );
    assert.deepEqual(values(await h.run(`State.delete('n') return State.get('n'), #State.list()`)), [
      'nil',
      '1',
    ]);
    assert.deepEqual(
      values(await h.run(`State.set('k', 'scoped', 'other') return State.get('k', 'other'), State.get('k')`)),
      ['"scoped"', 'nil'],
    );
  } finally {
    await h.dispose();
  }
  // a second runtime migrates nothing new and reads the data
  const again = await makeHost(settings('acme'));
  try {
    assert.deepEqual(values(await again.run(`return State.get('cfg').list[2]`)), ['2']);
    assert.equal(pg.psql(`SELECT count(*) FROM llmspell_migrations`, 'llmspell'), '2');
  } finally {
    await again.dispose();
  }
});

test("tenant isolation: one tenant cannot read, list or overwrite another tenant's keys", async () => {
  const a = await makeHost(settings('tenant-a'));
  const b = await makeHost(settings('tenant-b'));
  try {
    values(await a.run(`State.set('secret', { pin = 1234 })`));
    assert.deepEqual(values(await b.run(`return State.get('secret'), #State.list()`)), ['nil', '0']);
    values(await b.run(`State.set('secret', 'b value')`));
    assert.deepEqual(values(await a.run(`return State.get('secret').pin`)), ['1234']);
    // Row-level security itself: as the app role, with tenant b set, a query without a tenant filter
    // sees only b's rows, and inserting a row for tenant a is refused.
    const seen = pg.psql(
      `BEGIN; SELECT set_config('llmspell.tenant', 'tenant-b', true); SELECT string_agg(tenant_id || ':' || key, ',') FROM llmspell_state; COMMIT;`,
      'llmspell',
      'app',
    );
    assert.match(seen, /tenant-b:secret/);
    assert.doesNotMatch(seen, /tenant-a/);
    assert.throws(
      () =>
        pg.psql(
          `BEGIN; SELECT set_config('llmspell.tenant', 'tenant-b', true); INSERT INTO llmspell_state VALUES ('tenant-a', 'global', 'x', '1'); COMMIT;`,
          'llmspell',
          'app',
        ),
      /row-level security/,
    );
    // without a tenant the app role sees nothing at all
    assert.equal(pg.psql(`SELECT count(*) FROM llmspell_state`, 'llmspell', 'app'), '0');
  } finally {
    await a.dispose();
    await b.dispose();
  }
});

test('without auto_migrate a missing table is a clear error', async () => {
  const h = await makeHost(settings('t', { auto_migrate: false }, 'manual'));
  try {
    assert.match(
      errorOf(await h.run(`State.get('x')`)),
      /table llmspell_state does not exist .*auto_migrate = true/,
    );
  } finally {
    await h.dispose();
  }
});

test('the backend reconnects after the server restarts', async () => {
  const h = await makeHost(settings('restart'));
  try {
    values(await h.run(`State.set('before', 'kept')`));
    pg.stop();
    const restarted = new Promise<void>((resolve) =>
      setTimeout(() => {
        pg.start();
        resolve();
      }, 700),
    );
    // this call starts while the server is down and succeeds once it is back
    const during = h.run(`State.set('during', 'ok') return State.get('before')`);
    await restarted;
    assert.deepEqual(values(await during), ['"kept"']);
    assert.deepEqual(values(await h.run(`return State.get('during'), #State.list()`)), ['"ok"', '2']);
  } finally {
    await h.dispose();
  }
});

test('an unreachable server is a clear error naming it (password hidden)', async () => {
  const s = settings('x');
  s.storage.postgres.url = `postgresql://app:hunter2@127.0.0.1:1/none`;
  const h = await makeHost(s);
  try {
    const e = errorOf(await h.run(`State.get('x')`));
    assert.match(e, /PostgreSQL/);
    assert.doesNotMatch(e, /hunter2/);
  } finally {
    await h.dispose();
  }
});
