import type { HostModule } from '../runtime/types';
import { type HostConfig, silentHostLogger } from './types';

/**
 * The Debug global: Debug.log/debug (debug level), Debug.info, Debug.warn, Debug.error and
 * Debug.trace write to the kernel log with the script's file and line.
 */
export const DEBUG_LUA = String.raw`
local HOST = ...
local call, level = HOST.call, HOST.level
local getinfo = debug.getinfo
local function send(lvl, ...)
  local n = select('#', ...)
  local parts = {}
  for i = 1, n do parts[i] = tostring((select(i, ...))) end
  local l = level()
  local info = l > 0 and getinfo(l, 'Sl') or nil
  local where = info and (info.short_src .. ':' .. tostring(info.currentline)) or nil
  call('debug.log', { level = lvl, message = table.concat(parts, '\t'), where = where })
end
Debug = {}
function Debug.log(...) send('debug', ...) end
function Debug.debug(...) send('debug', ...) end
function Debug.trace(...) send('trace', ...) end
function Debug.info(...) send('info', ...) end
function Debug.warn(...) send('warn', ...) end
function Debug.error(...) send('error', ...) end
`;

export function debugModule(config: HostConfig): HostModule {
  const log = config.log ?? silentHostLogger;
  return {
    name: 'debug',
    lua: DEBUG_LUA,
    handlers: {
      'debug.log': async (args) => {
        const { level, message, where } = (args ?? {}) as {
          level?: string;
          message?: string;
          where?: string;
        };
        const fields = { script: where, source: 'Debug' };
        const text = String(message ?? '');
        if (level === 'info') log.info(fields, text);
        else if (level === 'warn') log.warn(fields, text);
        else if (level === 'error') log.error(fields, text);
        else log.debug(fields, text);
        return {};
      },
    },
  };
}
