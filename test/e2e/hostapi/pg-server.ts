import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/**
 * A throwaway PostgreSQL server from Debian's postgresql package: initdb into a temp dir, listen on
 * 127.0.0.1 and a free port with the unix socket in the temp dir. initdb refuses root, so as root
 * the server runs as the `postgres` system user (runuser). Trust authentication, loopback only.
 */

export function findPgBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions.length)
    throw new Error(
      'PostgreSQL is not installed (apt-get install -y postgresql): no /usr/lib/postgresql/*/bin/initdb',
    );
  return path.join(root, versions[0], 'bin');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
}

export class PgServer {
  readonly bin = findPgBin();
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmspell-pg-'));
  readonly data = path.join(this.dir, 'data');
  port = 0;
  private readonly asRoot = process.getuid?.() === 0;

  private run(cmd: string, args: string[]): string {
    const exe = path.join(this.bin, cmd);
    const [file, argv] = this.asRoot ? ['runuser', ['-u', 'postgres', '--', exe, ...args]] : [exe, args];
    return execFileSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  async init(): Promise<this> {
    if (this.asRoot) execFileSync('chown', ['postgres', this.dir]);
    this.run('initdb', ['-D', this.data, '--auth=trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    this.port = await freePort();
    this.start();
    return this;
  }

  start(): void {
    this.run('pg_ctl', [
      '-D',
      this.data,
      '-l',
      path.join(this.dir, 'server.log'),
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      '-w',
      'start',
    ]);
  }

  stop(): void {
    this.run('pg_ctl', ['-D', this.data, '-m', 'fast', '-w', 'stop']);
  }

  /** Run SQL as the superuser through psql. */
  psql(sql: string, db = 'postgres', user = 'postgres'): string {
    return execFileSync(
      path.join(this.bin, 'psql'),
      [
        '-h',
        '127.0.0.1',
        '-p',
        String(this.port),
        '-U',
        user,
        '-d',
        db,
        '-v',
        'ON_ERROR_STOP=1',
        '-tA',
        '-c',
        sql,
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    ).trim();
  }

  url(user: string, db: string): string {
    return `postgresql://${user}@127.0.0.1:${this.port}/${db}`;
  }

  destroy(): void {
    try {
      this.stop();
    } catch {
      // already stopped
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
