import { runtimeFactory } from '../hostapi/factory';
import type { RuntimeFactory } from '../runtime/types';
import { randomUUID } from 'crypto';
import { existsSync, mkdirSync, writeFileSync } from 'fs';
import * as path from 'path';
import type { KernelStartFlags } from './flags';
import { DEFAULT_CONTROL_PORT, DEFAULT_DAP_PORT } from '../shared/ports';
import { VERSION } from '../shared/version';
import { type KernelHandle, type KernelOptions, startKernel } from '../jupyter/kernel';
import { defaultConnectionFile } from '../jupyter/registry';
import { JupyterServer } from '../jupyter-server';
import { type LoadedConfig, loadServiceConfig } from '../config/config';
import { DAEMON_CWD_ENV, defaultDaemonLogFile, isDaemonChild, notifyParent, spawnDaemon } from './daemon';
import { flagLayer } from './flags';
import { ControlServer, type HealthInfo, PortInUseError } from './http';
import { createServiceLogging, type ServiceLogging } from './logging';
import { ServiceMetrics } from './metrics';
import { removePidFile, checkPidFile, writePidFile } from './pidfile';
import type { ServiceConfig } from '../config/schema';
import { installServiceSignals } from './signals';

/**
 * `llmspell kernel start` as a service: config -> (daemon) -> logging -> pid file -> HTTP control
 * port -> startKernel() -> signals -> wait for the stop -> clean up. The Jupyter kernel itself is
 * kernel/jupyter's; this file only wraps it.
 */

export interface GlobalFlags {
  profile?: string;
  config?: string;
  trace?: string;
}

export function loadForFlags(flags: KernelStartFlags, globals: GlobalFlags, env = process.env): LoadedConfig {
  return loadServiceConfig({
    flags: flagLayer(flags, globals),
    configFile: flags.config ?? globals.config,
    profile: globals.profile,
    env,
    cwd: env[DAEMON_CWD_ENV] || process.cwd(),
  });
}

/** What `kernel start` should do before serving. */
export type StartPlan =
  | { kind: 'dry-run'; loaded: LoadedConfig }
  | { kind: 'daemonize'; loaded: LoadedConfig; logFile: string }
  | { kind: 'serve'; loaded: LoadedConfig };

export function planStart(flags: KernelStartFlags, globals: GlobalFlags, env = process.env): StartPlan {
  const loaded = loadForFlags(flags, globals, env);
  if (flags.dryRun) return { kind: 'dry-run', loaded };
  if (loaded.config.daemon.daemonize && !isDaemonChild(env)) {
    return { kind: 'daemonize', loaded, logFile: loaded.config.logging.log_file ?? defaultDaemonLogFile() };
  }
  return { kind: 'serve', loaded };
}

/** Parent side of --daemon: fail early on a live pid file, spawn, wait for readiness. */
export async function daemonize(plan: Extract<StartPlan, { kind: 'daemonize' }>, argv: string[]) {
  const { daemon } = plan.loaded.config;
  if (daemon.pid_file) checkPidFile(daemon.pid_file);
  if (daemon.working_dir && !existsSync(daemon.working_dir)) {
    throw new Error(`[daemon] working_dir ${daemon.working_dir} does not exist`);
  }
  return spawnDaemon({
    args: argv.filter((a) => a !== '--daemon'),
    logFile: plan.logFile,
    workingDir: daemon.working_dir,
  });
}

function kernelOptions(
  config: ServiceConfig,
  loaded: LoadedConfig,
  logging: ServiceLogging,
  httpPort?: number,
) {
  const k = config.kernel;
  const id = randomUUID();
  const connectionFile = k.connection_file ?? defaultConnectionFile(id);
  const hmacKey = config.security.hmac_key;
  if (hmacKey && !existsSync(connectionFile)) {
    // kernel/jupyter keeps the key of a connection file that has no ports yet
    mkdirSync(path.dirname(connectionFile), { recursive: true });
    const seed = {
      transport: 'tcp',
      ip: '127.0.0.1',
      shell_port: 0,
      iopub_port: 0,
      stdin_port: 0,
      control_port: 0,
      hb_port: 0,
      key: hmacKey,
      signature_scheme: 'hmac-sha256',
      kernel_name: 'llmspell',
    };
    writeFileSync(connectionFile, JSON.stringify(seed, null, 2), { mode: 0o600 });
  }
  const options: KernelOptions = {
    id,
    connectionFile,
    idleTimeoutSec: k.idle_timeout,
    maxClients: k.max_clients,
    dapPort: k.dap_port === false ? null : (k.dap_port ?? DEFAULT_DAP_PORT),
    dapPortIsDefault: (loaded.sources['kernel.dap_port'] ?? 'default') === 'default',
    createRuntime: kernelRuntimes(loaded, logging),
    logger: logging.logger,
    registryExtras: { http: httpPort, pidFile: config.daemon.pid_file, logFile: config.logging.log_file },
    // one secret for the control port and the DAP port when [security] auth_token is set
    ...(config.security.auth_token ? { dapToken: config.security.auth_token } : {}),
  };
  if (loaded.sources['security.max_message_size_mb'] !== 'default' && config.security.max_message_size_mb) {
    options.maxMessageBytes = Math.round(config.security.max_message_size_mb * 1024 * 1024);
  }
  return options;
}

/**
 * Options of a kernel a Jupyter client starts through the control port (POST /api/kernels, a new
 * session): a fresh in-process kernel with its own runtime and host modules, free ports, no DAP
 * server, no registry entry (it shares this process: `kernel stop ID` would stop them all).
 */
function launchedKernelOptions(
  config: ServiceConfig,
  loaded: LoadedConfig,
  logging: ServiceLogging,
): KernelOptions {
  return {
    idleTimeoutSec: 0,
    maxClients: config.kernel.max_clients,
    dapPort: null,
    register: false,
    parentPid: 0,
    createRuntime: kernelRuntimes(loaded, logging),
    logger: logging.logger,
  };
}

/** Fresh kernel runtimes (at start, after a crash or restart) with the host API of the config. */
function kernelRuntimes(loaded: LoadedConfig, logging: ServiceLogging): RuntimeFactory {
  const config = { settings: loaded.host, env: process.env, cwd: process.cwd(), log: logging.logger };
  return runtimeFactory({ config }, { name: 'jupyter' });
}

const RESTART_KEYS = [
  'kernel.port',
  'kernel.connection_file',
  'kernel.dap_port',
  'daemon.pid_file',
  'logging.log_file',
];

function diffKeys(a: ServiceConfig, b: ServiceConfig): string[] {
  const out: string[] = [];
  for (const section of Object.keys(a) as (keyof ServiceConfig)[]) {
    const x = a[section] as Record<string, unknown>;
    const y = b[section] as Record<string, unknown>;
    for (const key of new Set([...Object.keys(x), ...Object.keys(y)])) {
      if (JSON.stringify(x[key]) !== JSON.stringify(y[key])) out.push(`${section}.${key}`);
    }
  }
  return out;
}

export interface ServeResult {
  kernel: KernelHandle;
  http?: ControlServer;
  /** The Jupyter server API on the control port (absent when the port was not bound). */
  jupyter?: JupyterServer;
  logging: ServiceLogging;
  /** Resolves after the kernel stopped and everything was cleaned up. */
  done: Promise<void>;
}

/** What /health reports: the service state and the kernel's counters once it runs. */
class ServiceHealth {
  state: HealthInfo['status'] = 'starting';
  kernel: KernelHandle | undefined;
  private readonly started = Date.now();

  report(): HealthInfo {
    const s = this.kernel?.stats();
    return {
      status: this.state,
      version: VERSION,
      pid: process.pid,
      uptime_seconds: (Date.now() - this.started) / 1000,
      kernel_id: this.kernel?.id ?? null,
      state: s ? (s.busy ? 'busy' : 'idle') : 'starting',
      clients: s?.clients ?? 0,
      executions: s?.executions ?? 0,
      execution_errors: s?.executionErrors ?? 0,
    };
  }
}

/**
 * The HTTP control port; when only the default port was asked for and it is taken (several
 * Jupyter-launched kernels share it), the kernel runs without it and says so in the log.
 */
async function bindControlServer(
  config: ServiceConfig,
  loaded: LoadedConfig,
  health: ServiceHealth,
  metrics: ServiceMetrics,
  log: ServiceLogging['logger'],
): Promise<ControlServer | undefined> {
  const http = new ControlServer({
    port: config.kernel.port ?? DEFAULT_CONTROL_PORT,
    security: config.security,
    health: () => health.report(),
    metrics,
    logger: log,
  });
  try {
    await http.start();
    return http;
  } catch (err) {
    if (err instanceof PortInUseError && loaded.sources['kernel.port'] === 'default') {
      log.warn({ port: err.port }, 'default HTTP control port in use; running without /health and /metrics');
      return undefined;
    }
    throw err;
  }
}

interface SignalContext {
  flags: KernelStartFlags;
  globals: GlobalFlags;
  config: ServiceConfig;
  kernel: KernelHandle;
  http: ControlServer | undefined;
  logging: ServiceLogging;
  metrics: ServiceMetrics;
  health: ServiceHealth;
}

/** SIGHUP reloads (logging and security apply at once), SIGUSR1/2, SIGINT and SIGTERM. */
function installSignals(c: SignalContext): () => void {
  const log = c.logging.logger;
  const daemonChild = isDaemonChild();
  let current = c.config;
  return installServiceSignals({
    logger: log,
    reload: () => {
      const next = loadForFlags(c.flags, c.globals);
      if (daemonChild && !next.config.logging.log_file)
        next.config.logging.log_file = current.logging.log_file;
      const changed = diffKeys(current, next.config);
      c.logging.apply(next.config.logging);
      c.http?.updateSecurity(next.config.security);
      c.metrics.recordReload(true);
      current = next.config;
      return {
        changed: changed.filter((k) => !RESTART_KEYS.includes(k)),
        needsRestart: changed.filter((k) => RESTART_KEYS.includes(k)),
      };
    },
    stats: () => ({
      ...c.kernel.stats(),
      httpPort: c.http?.port ?? null,
      memory: process.memoryUsage(),
      cpu: process.cpuUsage(),
      logLevel: log.level,
    }),
    reopenLog: () => c.logging.reopen(),
    toggleDebug: () => c.logging.toggleDebug(),
    isBusy: () => c.kernel.stats().busy,
    interrupt: () => {
      c.metrics.recordInterrupt('signal');
      c.kernel.interrupt();
    },
    stop: () => {
      c.health.state = 'stopping';
      void c.kernel.stop('signal');
    },
  });
}

/** The Jupyter server API on the control port: the CLI's kernel plus kernels clients start. */
function jupyterServerFor(
  k: KernelHandle,
  config: ServiceConfig,
  loaded: LoadedConfig,
  logging: ServiceLogging,
): JupyterServer {
  return new JupyterServer({
    primary: k,
    launch: () => startKernel(launchedKernelOptions(config, loaded, logging)),
    logger: logging.logger,
    token: config.security.auth_token,
  });
}

/** The ready line in the log and, for a daemon child, the message its parent waits for. */
async function announceReady(
  k: KernelHandle,
  http: ControlServer | undefined,
  loaded: LoadedConfig,
  logging: ServiceLogging,
): Promise<void> {
  logging.logger.info(
    {
      id: k.id,
      pid: process.pid,
      http: http ? `${http.scheme}://127.0.0.1:${http.port}` : null,
      connectionFile: k.connectionFile,
      config: loaded.file ?? null,
      profile: loaded.profile ?? null,
      daemon: isDaemonChild(),
    },
    'kernel service ready',
  );
  await notifyParent({
    type: 'ready',
    pid: process.pid,
    id: k.id,
    httpPort: http?.port ?? null,
    connectionFile: k.connectionFile,
    logFile: loaded.config.logging.log_file ?? '',
  });
}

/** Run the kernel service in this process (foreground, or the daemon child). */
export async function serveKernel(
  flags: KernelStartFlags,
  globals: GlobalFlags,
  loaded: LoadedConfig = loadForFlags(flags, globals),
): Promise<ServeResult> {
  const config = loaded.config;
  const daemonChild = isDaemonChild();
  if (daemonChild && !config.logging.log_file) config.logging.log_file = defaultDaemonLogFile();
  if (config.daemon.umask !== undefined) process.umask(config.daemon.umask);
  const logging = createServiceLogging(config.logging);
  const log = logging.logger;
  const pidFile = config.daemon.pid_file;
  const fail = async (err: unknown, cleanup?: () => Promise<void>): Promise<never> => {
    await cleanup?.();
    if (pidFile) removePidFile(pidFile);
    const message = err instanceof Error ? err.message : String(err);
    log.error({ err: message }, 'kernel start failed');
    await notifyParent({ type: 'error', message });
    logging.close();
    throw err;
  };

  if (pidFile) {
    try {
      const { stalePid } = writePidFile(pidFile);
      if (stalePid) log.warn({ pidFile, stalePid }, 'replaced a stale pid file');
    } catch (err) {
      // not ours to remove: it names another live process
      log.error({ err: err instanceof Error ? err.message : String(err) }, 'kernel start failed');
      await notifyParent({ type: 'error', message: err instanceof Error ? err.message : String(err) });
      logging.close();
      throw err;
    }
  }

  const metrics = new ServiceMetrics();
  const health = new ServiceHealth();
  let http: ControlServer | undefined;
  try {
    http = await bindControlServer(config, loaded, health, metrics, log);
  } catch (err) {
    return fail(err);
  }
  let k: KernelHandle;
  try {
    k = await startKernel(kernelOptions(config, loaded, logging, http?.port));
  } catch (err) {
    return fail(err, async () => http?.close());
  }
  health.kernel = k;
  health.state = 'ok';
  metrics.attachKernel(k);
  const jupyter = http ? jupyterServerFor(k, config, loaded, logging) : undefined;
  http?.setApi(jupyter);
  const uninstall = installSignals({ flags, globals, config, kernel: k, http, logging, metrics, health });
  await announceReady(k, http, loaded, logging);
  const done = k.stopped.then(async ({ reason }) => {
    health.state = 'stopping';
    uninstall();
    http?.setApi(undefined);
    await jupyter?.close();
    await http?.close();
    if (pidFile) removePidFile(pidFile);
    log.info({ reason }, 'kernel service exited');
    logging.close();
  });
  return { kernel: k, http, jupyter, logging, done };
}
