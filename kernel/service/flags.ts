import { DEFAULT_DAP_PORT } from '../shared/ports';
import type { FlagLayer } from '../config/config';

/** The `llmspell kernel start` flags as commander parses them (strings; validated by the config layer). */
export interface KernelStartFlags {
  connectionFile?: string;
  port?: string;
  dapPort: string;
  dap: boolean;
  daemon?: boolean;
  pidFile?: string;
  logFile?: string;
  idleTimeout?: string;
  maxClients?: string;
  trace?: string;
  config?: string;
  dryRun?: boolean;
  lsp?: boolean;
  stdio?: boolean;
}

/** Commander's default for --dap-port; a value equal to it is treated as "not given". */
export const DEFAULT_DAP_FLAG = String(DEFAULT_DAP_PORT);

function int(text: string | undefined): number | string | undefined {
  if (text === undefined) return undefined;
  return /^\d+$/.test(text) ? Number(text) : text;
}

/** `kernel start` flags as a config layer (the highest precedence). */
export function flagLayer(flags: KernelStartFlags, globals: { trace?: string } = {}): FlagLayer {
  let dapPort: number | string | false | undefined;
  if (flags.dap === false) dapPort = false;
  else if (flags.dapPort !== undefined && flags.dapPort !== DEFAULT_DAP_FLAG) dapPort = int(flags.dapPort);
  return {
    values: {
      kernel: {
        port: int(flags.port) as number | undefined,
        connection_file: flags.connectionFile,
        idle_timeout: int(flags.idleTimeout) as number | undefined,
        dap_port: dapPort as number | false | undefined,
        max_clients: int(flags.maxClients) as number | undefined,
      },
      daemon: { daemonize: flags.daemon ? true : undefined, pid_file: flags.pidFile },
      logging: {
        log_file: flags.logFile,
        log_level: (flags.trace ?? globals.trace) as 'info' | undefined,
      },
    },
    names: {
      'kernel.port': '--port',
      'kernel.connection_file': '--connection-file',
      'kernel.idle_timeout': '--idle-timeout',
      'kernel.dap_port': flags.dap === false ? '--no-dap' : '--dap-port',
      'kernel.max_clients': '--max-clients',
      'daemon.daemonize': '--daemon',
      'daemon.pid_file': '--pid-file',
      'logging.log_file': '--log-file',
      'logging.log_level': '--trace',
    },
  };
}
