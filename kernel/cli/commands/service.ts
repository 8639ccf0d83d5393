import { Command, Option } from 'commander';
import type { KernelStartFlags } from '../../service/flags';
import type * as ConfigModule from '../../config/config';
import type * as ControlModule from '../../service/control';
import type * as InstallModule from '../../service/install';
import type * as ServeModule from '../../service/serve';
import type { InstallOptions, ServiceType } from '../../service/install';
import type { GlobalFlags } from '../../service/serve';
import { findProfile, PROFILES } from '../../config/profiles';
import { DEFAULT_CONTROL_PORT } from '../../shared/ports';

// The service modules pull in zod, pino and prom-client; load them only when a command needs them
// so `llmspell run` and `kernel start --lsp` start fast.
/* eslint-disable @typescript-eslint/no-require-imports */
const configMod = (): typeof ConfigModule => require('../../config/config') as typeof ConfigModule;
const controlMod = (): typeof ControlModule => require('../../service/control') as typeof ControlModule;
const installMod = (): typeof InstallModule => require('../../service/install') as typeof InstallModule;
const serveMod = (): typeof ServeModule => require('../../service/serve') as typeof ServeModule;
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Service commands: `kernel status|stop|install-service|uninstall-service`, `profiles list|show`,
 * and runKernelStart() (`kernel start` with config, daemon, logging, signals and the HTTP port).
 */

function out(text: string): void {
  process.stdout.write(text);
}

function fail(message: string, code = 1): never {
  process.stderr.write(`llmspell: ${message}\n`);
  process.exit(code);
}

/** `llmspell kernel start` (not --lsp): called by the `kernel start` command. */
export async function runKernelStart(flags: KernelStartFlags, globals: GlobalFlags): Promise<void> {
  let plan;
  try {
    plan = serveMod().planStart(flags, globals);
  } catch (err) {
    if (err instanceof configMod().ConfigError) fail(err.message, 2);
    throw err;
  }
  if (plan.kind === 'dry-run') {
    out(configMod().formatConfig(plan.loaded));
    out('# configuration OK\n');
    return;
  }
  if (plan.kind === 'daemonize') {
    const ready = await serveMod().daemonize(plan, process.argv.slice(2));
    out(
      `llmspell kernel ${ready.id} running as daemon (pid ${ready.pid})\n` +
        (ready.httpPort !== null ? `  control: http://127.0.0.1:${ready.httpPort}/health\n` : '') +
        `  connection file: ${ready.connectionFile}\n  log: ${ready.logFile}\n`,
    );
    process.exit(0);
  }
  let served;
  try {
    served = await serveMod().serveKernel(flags, globals, plan.loaded);
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  if (!process.env.LLMSPELL_DAEMON_CHILD) {
    // One human-readable line on stderr (stdout stays free; Jupyter keeps a launched kernel's stderr in its log).
    const st = served.kernel.stats();
    process.stderr.write(
      `llmspell kernel ${served.kernel.id} ready (pid ${process.pid})\n` +
        `  connection file: ${served.kernel.connectionFile}\n` +
        (served.http
          ? `  control: ${served.http.scheme}://127.0.0.1:${served.http.port}/health and /metrics\n`
          : '') +
        (served.http && served.jupyter
          ? `  jupyter server: ${served.http.scheme}://127.0.0.1:${served.http.port}/?token=` +
            `${served.jupyter.tokenGenerated ? served.jupyter.token : '<[security] auth_token>'}\n`
          : '') +
        (st.dapPort !== undefined
          ? `  debug adapter: 127.0.0.1:${st.dapPort} (attach from nvim-dap or VS Code with the token ` +
            `shown by llmspell kernel status --json, dap_token)\n`
          : '') +
        `  stop: Ctrl-C or llmspell kernel stop ${served.kernel.id.slice(0, 8)}\n`,
    );
  }
  await served.done;
  process.exit(0);
}

function parsePort(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port must be 0..65535, got '${text}'`);
  return n;
}

/** `kernel status [--json]` */
function registerStatus(kernel: Command): void {
  kernel
    .command('status')
    .description('list running kernels (id, pid, ports, connection file, uptime, clients, health)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const list = await controlMod().kernelStatuses();
      out(opts.json ? JSON.stringify(list, null, 2) + '\n' : controlMod().formatStatusTable(list));
    });
}

/** `kernel stop [ID] [--pid-file F] [--all]` */
function registerStop(kernel: Command): void {
  kernel
    .command('stop')
    .description('stop a kernel: SIGTERM, wait for a clean exit, SIGKILL after --timeout')
    .argument('[id]', 'kernel id (or a unique prefix, or HOST:PORT)')
    .option('--pid-file <file>', 'stop the process named in this pid file')
    .option('--all', 'stop every running kernel')
    .option('--timeout <seconds>', 'seconds to wait before SIGKILL', '10')
    .action(async (id: string | undefined, opts: { pidFile?: string; all?: boolean; timeout: string }) => {
      let targets;
      try {
        targets = await controlMod().resolveStopTargets({ id, pidFile: opts.pidFile, all: opts.all });
      } catch (err) {
        if (err instanceof controlMod().NothingToStopError) fail(err.message);
        throw err;
      }
      const timeoutMs = Math.max(0, Number(opts.timeout) || 10) * 1000;
      for (const t of targets) {
        const how = await controlMod().stopProcess(t, timeoutMs);
        const name = t.id ? `kernel ${t.id}` : 'process';
        out(
          how === 'terminated'
            ? `stopped ${name} (pid ${t.pid})\n`
            : `killed ${name} (pid ${t.pid}) after ${timeoutMs / 1000} s\n`,
        );
      }
    });
}

/** `kernel install-service ...` */
function registerInstallService(kernel: Command): void {
  kernel
    .command('install-service')
    .description('install a systemd unit (Linux) or launchd agent (macOS) running the kernel')
    .option('--system', 'system service (/etc/systemd/system, /Library/LaunchDaemons) instead of a user one')
    .addOption(
      new Option('--service-type <type>', 'service manager (default: auto-detect)').choices([
        'systemd',
        'launchd',
      ]),
    )
    .option('--name <name>', 'service name (default llmspell-kernel, launchd: com.llmspell.kernel)')
    .option('--port <n>', 'HTTP control port', String(DEFAULT_CONTROL_PORT))
    .option('--log-file <file>', 'kernel log file')
    .option('--pid-file <file>', 'pid file (systemd PIDFile=)')
    .option('--config <file>', 'config file for the service (LLMSPELL_CONFIG)')
    .option('--foreground', 'systemd: Type=simple without --daemon')
    .option('--enable', 'enable the service (systemctl enable / launchctl load -w)')
    .option('--start', 'start the service now')
    .option('--force', 'overwrite an existing, different service file')
    .option('--dry-run', 'print the service file instead of writing it')
    .action(
      (opts: Omit<InstallOptions, 'port' | 'serviceType'> & { port: string; serviceType?: ServiceType }) => {
        let result;
        try {
          result = installMod().installService({ ...opts, port: parsePort(opts.port) });
        } catch (err) {
          if (err instanceof installMod().ServiceInstallError) fail(err.message);
          throw err;
        }
        const { plan } = result;
        if (result.action === 'printed') return out(plan.content);
        out(
          `${plan.type} ${plan.system ? 'system' : 'user'} service ${plan.name}: ${plan.file} (${result.action})\n`,
        );
        for (const r of result.ran) out(`ran: ${r}\n`);
        if (!opts.enable && !opts.start) {
          const hint =
            plan.type === 'systemd'
              ? `systemctl ${plan.system ? '' : '--user '}enable --now ${plan.name}`
              : `launchctl load -w ${plan.file}`;
          out(`next: ${hint}\n`);
        }
      },
    );
}

/** `kernel uninstall-service ...` */
function registerUninstallService(kernel: Command): void {
  kernel
    .command('uninstall-service')
    .description('stop, disable and remove the service file written by install-service')
    .option('--system', 'the system service')
    .addOption(
      new Option('--service-type <type>', 'service manager (default: auto-detect)').choices([
        'systemd',
        'launchd',
      ]),
    )
    .option('--name <name>', 'service name')
    .action((opts: { system?: boolean; serviceType?: ServiceType; name?: string }) => {
      try {
        const r = installMod().uninstallService(opts);
        for (const w of r.warnings) process.stderr.write(`llmspell: warning: ${w}\n`);
        out(`removed ${r.file}\n`);
      } catch (err) {
        if (err instanceof installMod().ServiceInstallError) fail(err.message);
        throw err;
      }
    });
}

function registerKernelServiceCommands(kernel: Command): void {
  registerStatus(kernel);
  registerStop(kernel);
  registerInstallService(kernel);
  registerUninstallService(kernel);
}

function profileToml(name: string): string {
  const profile = findProfile(name);
  const { layer } = configMod().validateLayer(profile.settings, `profile ${name}`);
  const lines = [`# profile ${profile.name}: ${profile.summary}`, `# ${profile.details}`];
  for (const [section, values] of Object.entries(layer)) {
    lines.push('', `[${section}]`);
    for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
      const shown =
        key === 'umask' && typeof value === 'number'
          ? `0o${value.toString(8).padStart(3, '0')}`
          : JSON.stringify(value);
      lines.push(`${key} = ${shown}`);
    }
  }
  return lines.join('\n') + '\n';
}

function registerProfileCommands(program: Command): void {
  const profiles = program.command('profiles').description('builtin configuration profiles (-p NAME)');
  profiles
    .command('list')
    .description('list the builtin profiles')
    .action(() => {
      const width = Math.max(...PROFILES.map((p) => p.name.length));
      out(PROFILES.map((p) => `${p.name.padEnd(width)}  ${p.summary}`).join('\n') + '\n');
    });
  profiles
    .command('show')
    .description("show a profile's settings")
    .argument('<name>', 'profile name')
    .action((name: string) => {
      try {
        out(profileToml(name));
      } catch (err) {
        fail((err as Error).message);
      }
    });
}

/** Register from main.ts after registerKernelCommands(). */
export function registerServiceCommands(program: Command): void {
  const kernel = program.commands.find((c) => c.name() === 'kernel') ?? program.command('kernel');
  registerKernelServiceCommands(kernel);
  registerProfileCommands(program);
}
