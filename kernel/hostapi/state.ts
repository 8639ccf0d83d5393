import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { HostModule } from '../runtime/types';
import type { StorageConfig } from '../config/config';
import { PostgresState } from './state-postgres';
import { HostError, type HostConfig, type HostLogger, type StateBackend, silentHostLogger } from './types';
import { hostLua } from './lua';

export type { StateBackend } from './types';

/**
 * The State global: a key/value store per scope ("global" unless given), values round-tripping
 * through JSON. Backends: memory (per runtime), embedded (files under ~/.llmspell/state, one file
 * per key written to a temporary file and renamed, so a crash mid-write leaves the old value) and
 * PostgreSQL (state-postgres.ts).
 */

export class MemoryState implements StateBackend {
  readonly kind = 'memory';
  private readonly data = new Map<string, Map<string, string>>();
  async get(scope: string, key: string) {
    return this.data.get(scope)?.get(key);
  }
  async set(scope: string, key: string, json: string) {
    let m = this.data.get(scope);
    if (!m) this.data.set(scope, (m = new Map()));
    m.set(key, json);
  }
  async delete(scope: string, key: string) {
    return this.data.get(scope)?.delete(key) ?? false;
  }
  async list(scope: string) {
    return [...(this.data.get(scope)?.keys() ?? [])].sort();
  }
  async close() {}
}

/** The llmspell home: $LLMSPELL_HOME, else $HOME/.llmspell. */
export function llmspellHome(env: NodeJS.ProcessEnv): string {
  if (env.LLMSPELL_HOME) return path.resolve(env.LLMSPELL_HOME);
  return path.join(env.HOME || os.homedir(), '.llmspell');
}

/** A name as a file name: URI-encoded (also '.' and '*'), hashed when too long. */
function fileName(name: string): string {
  const enc = encodeURIComponent(name).replace(/\./g, '%2E').replace(/\*/g, '%2A');
  return enc.length <= 180 ? enc : `~${createHash('sha256').update(name).digest('hex')}`;
}

const SUFFIX = '.json';

export class EmbeddedState implements StateBackend {
  readonly kind = 'embedded';
  constructor(readonly dir: string) {}

  private file(scope: string, key: string): string {
    return path.join(this.dir, fileName(scope), fileName(key) + SUFFIX);
  }

  async get(scope: string, key: string): Promise<string | undefined> {
    let text: string;
    try {
      text = await fs.promises.readFile(this.file(scope, key), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new HostError(`State: cannot read ${this.file(scope, key)}: ${(err as Error).message}`);
    }
    try {
      return JSON.stringify((JSON.parse(text) as { value: unknown }).value);
    } catch {
      throw new HostError(`State: ${this.file(scope, key)} is corrupt (not JSON)`);
    }
  }

  async set(scope: string, key: string, json: string): Promise<void> {
    const file = this.file(scope, key);
    await fs.promises.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const data = `{"scope":${JSON.stringify(scope)},"key":${JSON.stringify(key)},"value":${json}}\n`;
    const fh = await fs.promises.open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await fs.promises.rename(tmp, file);
    } catch (err) {
      await fs.promises.rm(tmp, { force: true });
      throw err;
    }
  }

  async delete(scope: string, key: string): Promise<boolean> {
    try {
      await fs.promises.unlink(this.file(scope, key));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  async list(scope: string): Promise<string[]> {
    const dir = path.join(this.dir, fileName(scope));
    let names: string[];
    try {
      names = await fs.promises.readdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const keys: string[] = [];
    for (const n of names) {
      if (!n.endsWith(SUFFIX)) continue; // leftovers of interrupted writes end in .tmp
      const base = n.slice(0, -SUFFIX.length);
      if (base.startsWith('~')) {
        try {
          const rec = JSON.parse(await fs.promises.readFile(path.join(dir, n), 'utf8')) as { key: string };
          keys.push(rec.key);
        } catch {
          // unreadable: skip
        }
      } else keys.push(decodeURIComponent(base));
    }
    return keys.sort();
  }

  async close(): Promise<void> {}
}

export function createStateBackend(
  storage: StorageConfig,
  env: NodeJS.ProcessEnv,
  log: HostLogger,
): StateBackend {
  switch (storage.backend) {
    case 'memory':
      return new MemoryState();
    case 'postgres':
      return new PostgresState(storage.postgres, log);
    default:
      return new EmbeddedState(storage.path ?? path.join(llmspellHome(env), 'state'));
  }
}

export const DEFAULT_SCOPE = 'global';

export function stateModule(config: HostConfig): { module: HostModule; backend: StateBackend } {
  const env = config.env ?? process.env;
  const log = config.log ?? silentHostLogger;
  const backend = createStateBackend(config.settings.storage, env, log);
  const args = (a: unknown) => {
    const { key, scope } = (a ?? {}) as { key?: unknown; scope?: unknown };
    return { key: String(key ?? ''), scope: typeof scope === 'string' ? scope : DEFAULT_SCOPE };
  };
  const module: HostModule = {
    name: 'state',
    lua: hostLua('state'),
    close: () => backend.close(),
    handlers: {
      'state.get': async (a) => {
        const { key, scope } = args(a);
        const json = await backend.get(scope, key);
        return json === undefined ? {} : { value: JSON.parse(json) as unknown };
      },
      'state.set': async (a) => {
        const { key, scope } = args(a);
        const json = (a as { json?: unknown }).json;
        if (typeof json !== 'string') throw new HostError('State.set: nothing to store');
        JSON.parse(json);
        await backend.set(scope, key, json);
        return {};
      },
      'state.delete': async (a) => {
        const { key, scope } = args(a);
        return { deleted: await backend.delete(scope, key) };
      },
      'state.list': async (a) => ({ keys: await backend.list(args(a).scope) }),
    },
  };
  return { module, backend };
}
