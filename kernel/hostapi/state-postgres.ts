import type { Pool, PoolClient } from 'pg';
import type { PostgresConfig } from '../config/config';
import { redactUrl } from '../config/defaults';
import { HostError, type HostLogger, type StateBackend } from './types';

/**
 * State in PostgreSQL (the `pg` package, loaded on first use). Every operation runs in a
 * transaction that sets `llmspell.tenant`; with enforce_tenant_isolation the table has row-level
 * security (forced, so the table owner is bound too) and a connection sees only its tenant's rows.
 * Superusers and BYPASSRLS roles skip row-level security: connect as an ordinary role.
 * Connection failures (server restart, dropped sockets) are retried with backoff for a few seconds.
 */

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Applied only when tenant isolation is enforced. */
  isolationOnly?: boolean;
}

export const STATE_TABLE = 'llmspell_state';
export const MIGRATIONS_TABLE = 'llmspell_migrations';

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'state table',
    sql: `CREATE TABLE IF NOT EXISTS ${STATE_TABLE} (
            tenant_id text NOT NULL,
            scope text NOT NULL,
            key text NOT NULL,
            value jsonb NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (tenant_id, scope, key))`,
  },
  {
    version: 2,
    name: 'row-level security per tenant',
    isolationOnly: true,
    sql: `ALTER TABLE ${STATE_TABLE} ENABLE ROW LEVEL SECURITY;
          ALTER TABLE ${STATE_TABLE} FORCE ROW LEVEL SECURITY;
          DROP POLICY IF EXISTS llmspell_tenant_isolation ON ${STATE_TABLE};
          CREATE POLICY llmspell_tenant_isolation ON ${STATE_TABLE}
            USING (tenant_id = current_setting('llmspell.tenant', true))
            WITH CHECK (tenant_id = current_setting('llmspell.tenant', true))`,
  },
];

/** Arbitrary constant for pg_advisory_xact_lock while migrating. */
const MIGRATION_LOCK = 7_202_511;

const CONNECTION_CODES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up)
  '08000',
  '08001',
  '08003',
  '08006',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
]);

function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  const msg = err instanceof Error ? err.message : '';
  return /Connection terminated|connection timeout|Client has encountered a connection error|not queryable/i.test(
    msg,
  );
}

/** Retries over a server restart: about 10 s in total. */
const RETRY_DELAYS_MS = [100, 200, 400, 800, 1600, 2000, 2500, 3000];

export class PostgresState implements StateBackend {
  readonly kind = 'postgres';
  private pool: Pool | undefined;
  private ready: Promise<void> | undefined;

  constructor(
    private readonly cfg: PostgresConfig,
    private readonly log: HostLogger,
  ) {}

  private where(): string {
    return this.cfg.url ? redactUrl(this.cfg.url) : '(no url)';
  }

  private getPool(): Pool {
    if (this.pool) return this.pool;
    if (!this.cfg.url)
      throw new HostError(
        'State: [storage] backend = "postgres" needs [storage.postgres] url (or the LLMSPELL_POSTGRES_URL variable)',
      );
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pg = require('pg') as typeof import('pg');
    const pool = new pg.Pool({
      connectionString: this.cfg.url,
      max: this.cfg.pool_size,
      allowExitOnIdle: true,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30_000,
    });
    // An idle client losing its server (restart) must not crash the process; the pool replaces it.
    pool.on('error', (err) => this.log.warn({ err: err.message }, 'PostgreSQL: idle connection lost'));
    this.pool = pool;
    return pool;
  }

  /** Run `fn` in a transaction with the tenant set; retry on connection failures. */
  private async tx<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    const pool = this.getPool();
    for (let attempt = 0; ; attempt++) {
      let client: PoolClient | undefined;
      try {
        client = await pool.connect();
        await client.query('BEGIN');
        await client.query(`SELECT set_config('llmspell.tenant', $1, true)`, [this.cfg.tenant]);
        const r = await fn(client);
        await client.query('COMMIT');
        client.release();
        return r;
      } catch (err) {
        const lost = isConnectionError(err);
        if (client) {
          if (!lost) await client.query('ROLLBACK').catch(() => undefined);
          client.release(lost ? (err as Error) : undefined);
        }
        if (lost && attempt < RETRY_DELAYS_MS.length) {
          this.log.warn(
            { attempt: attempt + 1, err: (err as Error).message },
            `PostgreSQL at ${this.where()}: connection lost, retrying`,
          );
          await new Promise((r) => setTimeout(r, RETRY_DELAYS_MS[attempt]));
          continue;
        }
        if (lost)
          throw new HostError(`State: cannot reach PostgreSQL at ${this.where()}: ${(err as Error).message}`);
        throw new HostError(`State: PostgreSQL error: ${(err as Error).message}`);
      }
    }
  }

  private ensureReady(): Promise<void> {
    this.ready ??= (async () => {
      if (this.cfg.auto_migrate) {
        try {
          await migratePostgres(this.getPool(), this.cfg.enforce_tenant_isolation);
        } catch (err) {
          const cause = (err as { cause?: unknown }).cause ?? err;
          if (isConnectionError(cause))
            throw new HostError(
              `State: cannot reach PostgreSQL at ${this.where()}: ${(cause as Error).message}`,
            );
          throw err;
        }
      } else {
        const ok = await this.tx(async (c) => {
          const r = await c.query(`SELECT to_regclass($1) AS t`, [STATE_TABLE]);
          return r.rows[0]?.t !== null;
        });
        if (!ok)
          throw new HostError(
            `State: table ${STATE_TABLE} does not exist in ${this.where()}; set [storage.postgres] ` +
              `auto_migrate = true or apply the migrations (migratePostgres)`,
          );
      }
      if (this.cfg.enforce_tenant_isolation) {
        const bypass = await this.tx(async (c) => {
          const r = await c.query(
            `SELECT rolsuper OR rolbypassrls AS b FROM pg_roles WHERE rolname = current_user`,
          );
          return r.rows[0]?.b === true;
        });
        if (bypass)
          this.log.warn(
            {},
            'PostgreSQL: connected as a superuser or BYPASSRLS role; row-level security does not apply to it',
          );
      }
    })().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  async get(scope: string, key: string): Promise<string | undefined> {
    await this.ensureReady();
    return this.tx(async (c) => {
      const r = await c.query(
        `SELECT value::text AS v FROM ${STATE_TABLE} WHERE tenant_id = $1 AND scope = $2 AND key = $3`,
        [this.cfg.tenant, scope, key],
      );
      return r.rows[0]?.v as string | undefined;
    });
  }

  async set(scope: string, key: string, json: string): Promise<void> {
    await this.ensureReady();
    await this.tx((c) =>
      c.query(
        `INSERT INTO ${STATE_TABLE} (tenant_id, scope, key, value) VALUES ($1, $2, $3, $4::jsonb)
         ON CONFLICT (tenant_id, scope, key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
        [this.cfg.tenant, scope, key, json],
      ),
    );
  }

  async delete(scope: string, key: string): Promise<boolean> {
    await this.ensureReady();
    return this.tx(async (c) => {
      const r = await c.query(`DELETE FROM ${STATE_TABLE} WHERE tenant_id = $1 AND scope = $2 AND key = $3`, [
        this.cfg.tenant,
        scope,
        key,
      ]);
      return (r.rowCount ?? 0) > 0;
    });
  }

  async list(scope: string): Promise<string[]> {
    await this.ensureReady();
    return this.tx(async (c) => {
      const r = await c.query(
        `SELECT key FROM ${STATE_TABLE} WHERE tenant_id = $1 AND scope = $2 ORDER BY key`,
        [this.cfg.tenant, scope],
      );
      return r.rows.map((row: { key: string }) => row.key);
    });
  }

  async close(): Promise<void> {
    const p = this.pool;
    this.pool = undefined;
    this.ready = undefined;
    await p?.end();
  }
}

/** Apply pending migrations (idempotent, serialized by an advisory lock). Returns the versions applied. */
export async function migratePostgres(pool: Pool, isolation: boolean): Promise<number[]> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw new HostError(`State: PostgreSQL migration failed: ${(err as Error).message}`, { cause: err });
  }
  const applied: number[] = [];
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
         version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set(
      (await client.query(`SELECT version FROM ${MIGRATIONS_TABLE}`)).rows.map(
        (r: { version: number }) => r.version,
      ),
    );
    for (const m of MIGRATIONS) {
      if (done.has(m.version) || (m.isolationOnly && !isolation)) continue;
      await client.query(m.sql);
      await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (version, name) VALUES ($1, $2)`, [
        m.version,
        m.name,
      ]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    client.release();
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
    throw new HostError(`State: PostgreSQL migration failed: ${(err as Error).message}`, { cause: err });
  }
}
