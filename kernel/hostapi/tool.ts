import * as fs from 'fs';
import * as path from 'path';
import type { HostModule } from '../runtime/types';
import { evaluateExpression } from './calculator';
import { jsonQuery } from './json-query';
import { HostError, type HostConfig, luaLongString } from './types';
import { hostLua } from './lua';

/**
 * The Tool global. The registry lives in Lua (so tools registered in Lua run in the VM, also when
 * an agent calls them); builtin tools run here on the main thread through `tool.run`.
 * Other host modules reach the registry through HOST.tools (spec, exists, invoke).
 */

export interface BuiltinTool {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
  run(params: Record<string, unknown>, signal: AbortSignal): Promise<unknown>;
}

const obj = (properties: Record<string, unknown>, required: string[]) => ({
  type: 'object',
  properties,
  required,
});

/** Resolve `p` inside `root`, following symlinks; refuse anything that ends up outside. */
export function confine(root: string, p: unknown, tool: string): string {
  if (typeof p !== 'string' || !p) throw new HostError(`${tool}: 'path' must be a non-empty string`);
  if (p.includes('\0')) throw new HostError(`${tool}: invalid path`);
  const realRoot = fs.realpathSync(root);
  const abs = path.resolve(realRoot, p);
  const inside = (x: string) => x === realRoot || x.startsWith(realRoot + path.sep);
  if (!inside(abs))
    throw new HostError(`${tool}: path '${p}' is outside the working directory (${realRoot})`);
  // follow symlinks of the existing part of the path
  let existing = abs;
  const rest: string[] = [];
  while (!fs.existsSync(existing)) {
    rest.unshift(path.basename(existing));
    existing = path.dirname(existing);
  }
  const real = path.join(fs.realpathSync(existing), ...rest);
  if (!inside(real))
    throw new HostError(
      `${tool}: path '${p}' leads outside the working directory (${realRoot}) through a link`,
    );
  return real;
}

const MAX_READ_BYTES = 10 * 1024 * 1024;

function calculatorTool(): BuiltinTool {
  return {
    name: 'calculator',
    description:
      'Evaluate an arithmetic expression (+ - * / % ^, parentheses, sqrt, abs, sin, cos, log, ...).',
    parameters: obj({ expression: { type: 'string', description: 'e.g. "2 * (3 + 4) ^ 2"' } }, [
      'expression',
    ]),
    run: async (p) => ({ result: evaluateExpression(String(p.expression)) }),
  };
}

function jsonQueryTool(): BuiltinTool {
  return {
    name: 'json-query',
    description: 'Select parts of JSON data with a path like ".items[0].name" or ".items[*].id".',
    parameters: obj(
      {
        input: { description: 'JSON text or a table' },
        query: { type: 'string', description: 'path expression, "." for the whole input' },
      },
      ['input', 'query'],
    ),
    run: async (p) => {
      let input = p.input;
      if (typeof input === 'string') {
        try {
          input = JSON.parse(input) as unknown;
        } catch {
          throw new HostError('json-query: input is not valid JSON');
        }
      }
      return { result: jsonQuery(input, String(p.query)) };
    },
  };
}

function fileReaderTool(cwd: string): BuiltinTool {
  return {
    name: 'file-reader',
    description: 'Read a text file inside the working directory.',
    parameters: obj({ path: { type: 'string', description: 'relative to the working directory' } }, ['path']),
    run: async (p) => {
      const file = confine(cwd, p.path, 'file-reader');
      let st: fs.Stats;
      try {
        st = await fs.promises.stat(file);
      } catch {
        throw new HostError(`file-reader: no such file '${String(p.path)}'`);
      }
      if (!st.isFile()) throw new HostError(`file-reader: '${String(p.path)}' is not a file`);
      if (st.size > MAX_READ_BYTES)
        throw new HostError(`file-reader: '${String(p.path)}' is larger than 10 MB`);
      return { content: await fs.promises.readFile(file, 'utf8'), size: st.size, path: String(p.path) };
    },
  };
}

function fileWriterTool(cwd: string): BuiltinTool {
  return {
    name: 'file-writer',
    description: 'Write (or append to) a text file inside the working directory.',
    parameters: obj(
      {
        path: { type: 'string', description: 'relative to the working directory' },
        content: { type: 'string' },
        append: { type: 'boolean', description: 'append instead of replacing' },
      },
      ['path', 'content'],
    ),
    run: async (p) => {
      const file = confine(cwd, p.path, 'file-writer');
      const content = String(p.content);
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      if (p.append === true) await fs.promises.appendFile(file, content);
      else await fs.promises.writeFile(file, content);
      return { path: String(p.path), bytes_written: Buffer.byteLength(content) };
    },
  };
}

function httpRequestTool(allowed: string[]): BuiltinTool {
  return {
    name: 'http-request',
    description: `HTTP request to an allowed host (${allowed.join(', ')}).`,
    parameters: obj(
      {
        url: { type: 'string' },
        method: { type: 'string', description: 'GET (default), POST, PUT, DELETE, ...' },
        headers: { type: 'object' },
        body: { type: 'string' },
      },
      ['url'],
    ),
    run: async (p, signal) => {
      let url: URL;
      try {
        url = new URL(String(p.url));
      } catch {
        throw new HostError(`http-request: invalid URL '${String(p.url)}'`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new HostError(`http-request: only http and https URLs are allowed`);
      const host = url.hostname.replace(/^\[|\]$/g, '');
      if (!allowed.includes('*') && !allowed.includes(host) && !allowed.includes(url.host))
        throw new HostError(`http-request: host '${host}' is not allowed ([tools] http_allowed_hosts)`);
      const headers: Record<string, string> = {};
      if (p.headers && typeof p.headers === 'object')
        for (const [k, v] of Object.entries(p.headers as Record<string, unknown>)) headers[k] = String(v);
      let res: Response;
      try {
        res = await fetch(url, {
          method: typeof p.method === 'string' ? p.method.toUpperCase() : 'GET',
          headers,
          body: typeof p.body === 'string' ? p.body : undefined,
          signal: AbortSignal.any([signal, AbortSignal.timeout(60_000)]),
        });
      } catch (err) {
        throw new HostError(`http-request: ${url.href} failed: ${(err as Error).message}`);
      }
      const body = await res.text();
      return { status: res.status, headers: Object.fromEntries(res.headers.entries()), body };
    },
  };
}

/** The builtin tools a script can run; http-request only when hosts are allowed. */
export function builtinTools(config: HostConfig): BuiltinTool[] {
  const cwd = config.cwd ?? process.cwd();
  const allowed = config.settings.tools.http_allowed_hosts;
  const tools = [calculatorTool(), jsonQueryTool(), fileReaderTool(cwd), fileWriterTool(cwd)];
  if (allowed.length) tools.push(httpRequestTool(allowed));
  return tools;
}

export function toolLua(builtins: BuiltinTool[]): string {
  const specs = JSON.stringify(
    builtins.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters })),
  );
  // TOOL_SPECS stands for the builtin tools' JSON (one line: line numbers stay those of tool.lua)
  return hostLua('tool').replace('TOOL_SPECS', () => luaLongString(specs));
}

export function toolModule(config: HostConfig): HostModule {
  const builtins = builtinTools(config);
  const byName = new Map(builtins.map((t) => [t.name, t]));
  return {
    name: 'tool',
    lua: toolLua(builtins),
    handlers: {
      'tool.run': async (args, ctx) => {
        const { name, params } = (args ?? {}) as { name?: string; params?: unknown };
        const tool = byName.get(String(name));
        if (!tool) throw new HostError(`unknown builtin tool '${String(name)}'`);
        const p =
          params && typeof params === 'object' && !Array.isArray(params)
            ? (params as Record<string, unknown>)
            : {};
        return { result: await tool.run(p, ctx.signal) };
      },
    },
  };
}
