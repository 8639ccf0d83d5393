import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ConfigError, formatConfig, loadServiceConfig } from '../../../kernel/config/config';
import { flagLayer } from '../../../kernel/service/flags';
import { findProfile, PROFILES } from '../../../kernel/config/profiles';

const dir = mkdtempSync(path.join(tmpdir(), 'llmspell-config-'));
function file(name: string, text: string): string {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
}
function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

const guideToml = `
[kernel]
port = 9555
connection_file = "/var/lib/llmspell/kernel.json"
idle_timeout = 0  # Never timeout for service

[daemon]
daemonize = true
pid_file = "/var/run/llmspell/kernel.pid"
working_dir = "/var/lib/llmspell"
umask = 0o077  # Restrictive permissions

[logging]
log_file = "/var/log/llmspell/kernel.log"
log_level = "info"
max_size_mb = 100
max_backups = 5
compress = true

[security]
hmac_key = "your-secret-key-here"
allowed_origins = ["localhost", "127.0.0.1"]
max_message_size_mb = 10
rate_limit_per_minute = 100
`;

test("the guide's kernel.toml loads as written", () => {
  const f = file('guide.toml', guideToml);
  const { config, sources } = loadServiceConfig({ configFile: f, env: {} });
  assert.equal(config.daemon.umask, 0o077);
  assert.equal(config.daemon.daemonize, true);
  assert.equal(config.logging.max_backups, 5);
  assert.deepEqual(config.security.allowed_origins, ['localhost', '127.0.0.1']);
  assert.equal(sources['security.rate_limit_per_minute'], `file ${f}`);
  assert.equal(sources['kernel.dap_port'], 'default');
});

// The guide's "Production Configuration" (programmatic deployment) with storage, providers and memory.
const productionToml = `
[kernel]
idle_timeout = 0

[daemon]
daemonize = false
pid_file = "/var/run/llmspell/service.pid"

[logging]
log_level = "info"
log_file = "/var/log/llmspell/service.log"
max_size_mb = 100
max_backups = 10
compress = true

[storage]
backend = "postgres"

[storage.postgres]
url = "\${DATABASE_URL}"
pool_size = 20
enforce_tenant_isolation = true
auto_migrate = false

[providers.openai]
enabled = true
api_key_env = "OPENAI_API_KEY"
default_model = "gpt-4-turbo"
timeout_secs = 300

[memory]
enable_memory = true
enable_rag = true

[memory.episodic.hnsw]
m = 16
ef_construction = 128
ef_search = 40
`;

test("the guide's production configuration (storage, providers, memory) loads as written", () => {
  const f = file('production.toml', productionToml);
  const loaded = loadServiceConfig({ configFile: f, env: { DATABASE_URL: 'postgresql://u:p@db:5432/prod' } });
  assert.equal(loaded.config.logging.max_backups, 10);
  const bad = file('memory-bad.toml', '[memory.episodic.hnsw]\nm = "sixteen"\n');
  const [p] = problems(() => loadServiceConfig({ configFile: bad, env: {} }));
  assert.match(p, /\[memory\] episodic\.hnsw\.m: /);
});

test('unknown sections and keys and bad values are named with the file', () => {
  const f = file(
    'bad.toml',
    '[kernal]\nport = 1\n[kernel]\nprot = 2\n[logging]\nmax_size_mb = -1\nlog_level = "loud"\n',
  );
  const p = problems(() => loadServiceConfig({ configFile: f, env: {} }));
  assert.equal(p.length, 4, p.join('\n'));
  assert.match(p[0], new RegExp(`^${f}: unknown section \\[kernal\\]`));
  assert.match(p[1], /unknown key \[kernel\] prot \(known keys: port,/);
  assert.match(p[2], /\[logging\] max_size_mb: .*got -1/);
  assert.match(p[3], /\[logging\] log_level: .*'loud'/);
});

test('TOML syntax errors give file, line and column', () => {
  const f = file('syntax.toml', '[kernel]\nport = = 3\n');
  const [p] = problems(() => loadServiceConfig({ configFile: f, env: {} }));
  assert.match(p, new RegExp(`^${f}:2:\\d+: TOML syntax error`));
});

test('a missing config file is reported', () => {
  const [p] = problems(() => loadServiceConfig({ configFile: path.join(dir, 'nope.toml'), env: {} }));
  assert.match(p, /nope\.toml: cannot read config file \(ENOENT\)/);
});

test('${ENV} expansion, defaults, and unset variables', () => {
  const f = file(
    'env.toml',
    '[security]\nauth_token = "${TOKEN}"\n[logging]\nlog_file = "${LOGDIR:-/tmp/x}/k.log"\n',
  );
  const { config } = loadServiceConfig({ configFile: f, env: { TOKEN: 's3cret' } });
  assert.equal(config.security.auth_token, 's3cret');
  assert.equal(config.logging.log_file, '/tmp/x/k.log');
  const [p] = problems(() => loadServiceConfig({ configFile: f, env: {} }));
  assert.match(p, /\[security\] auth_token: environment variable TOKEN is not set/);
});

test('LLMSPELL_CONFIG names the file; relative paths resolve against the file', () => {
  const f = file('rel.toml', '[daemon]\npid_file = "run/k.pid"\n');
  const { config, file: used } = loadServiceConfig({ env: { LLMSPELL_CONFIG: f } });
  assert.equal(used, f);
  assert.equal(config.daemon.pid_file, path.join(dir, 'run', 'k.pid'));
});

test('precedence: flags > env > file > profile > defaults', () => {
  const f = file(
    'prec.toml',
    '[kernel]\nport = 7001\nidle_timeout = 30\n[logging]\nlog_level = "error"\nmax_backups = 2\n',
  );
  const env = { LLMSPELL_PORT: '7002', LLMSPELL_LOG: 'warn' };
  const flags = flagLayer({ port: '7003', dapPort: '9556', dap: true });
  const { config, sources } = loadServiceConfig({ configFile: f, env, flags, profile: 'production' });
  assert.equal(config.kernel.port, 7003);
  assert.equal(sources['kernel.port'], 'flag --port');
  assert.equal(config.logging.log_level, 'warn');
  assert.equal(sources['logging.log_level'], 'env LLMSPELL_LOG');
  assert.equal(config.logging.max_backups, 2);
  assert.equal(config.kernel.idle_timeout, 30);
  assert.equal(config.daemon.daemonize, true);
  assert.equal(sources['daemon.daemonize'], 'profile production');
  assert.equal(config.kernel.max_clients, 50);
  assert.equal(sources['kernel.max_clients'], 'default');
  const noFlag = loadServiceConfig({ configFile: f, env, profile: 'production' });
  assert.equal(noFlag.config.kernel.port, 7002);
  const noEnv = loadServiceConfig({ configFile: f, env: {}, profile: 'production' });
  assert.equal(noEnv.config.kernel.port, 7001);
  assert.equal(noEnv.config.logging.log_level, 'error');
});

test('--trace and --no-dap become config values; bad flags are named', () => {
  const { config } = loadServiceConfig({
    env: {},
    flags: flagLayer({ dapPort: '9556', dap: false, trace: 'debug' }),
  });
  assert.equal(config.kernel.dap_port, false);
  assert.equal(config.logging.log_level, 'debug');
  const p = problems(() =>
    loadServiceConfig({
      env: {},
      flags: flagLayer({ dapPort: '9556', dap: true, port: 'abc', trace: 'loud' }),
    }),
  );
  assert.match(p[0], /^command line: --port: .*'abc'/);
  assert.match(p[1], /^command line: --trace: .*'loud'/);
});

test('tls_enabled without cert and key is an error naming the missing keys', () => {
  const f = file('tls.toml', '[security]\ntls_enabled = true\n');
  const [p] = problems(() => loadServiceConfig({ configFile: f, env: {} }));
  assert.match(p, /tls_enabled = true needs tls_cert and tls_key/);
});

test('profiles: development logs debug, production daemonizes, unknown lists the known ones', () => {
  assert.equal(loadServiceConfig({ env: {}, profile: 'development' }).config.logging.log_level, 'debug');
  const prod = loadServiceConfig({ env: {}, profile: 'production' }).config;
  assert.equal(prod.logging.log_level, 'info');
  assert.equal(prod.daemon.daemonize, true);
  for (const name of [
    'memory-development',
    'rag-dev',
    'postgres-prod',
    'rag-prod',
    'full-local-ollama',
    'openai-prod',
    'claude-prod',
  ]) {
    assert.ok(findProfile(name).details.length > 10, name);
    loadServiceConfig({ env: {}, profile: name });
  }
  assert.ok(PROFILES.length >= 9);
  const [p] = problems(() => loadServiceConfig({ env: {}, profile: 'nope' }));
  assert.match(p, /unknown profile 'nope'; known profiles: development, .*production/);
  assert.equal(loadServiceConfig({ env: { LLMSPELL_PROFILE: 'development' } }).profile, 'development');
});

test('formatConfig prints sources and masks secrets', () => {
  const f = file('fmt.toml', '[security]\nhmac_key = "topsecret"\n');
  const text = formatConfig(loadServiceConfig({ configFile: f, env: {}, profile: 'production' }));
  assert.match(text, /^port = 9555 {2}# default$/m);
  assert.match(text, /^umask = 0o077 {2}# profile production$/m);
  assert.match(text, /^hmac_key = "\*\*\*"/m);
  assert.doesNotMatch(text, /topsecret/);
});
