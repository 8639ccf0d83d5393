import * as http from 'http';
import type { AddressInfo } from 'net';
import { LuaRuntime } from '../../../kernel/runtime/runtime';
import type { ExecResult } from '../../../kernel/runtime/types';
import { defaultHostSettings, type HostSettings } from '../../../kernel/config/config';
import { createHost, type Host } from '../../../kernel/hostapi';
import type { HostLogger } from '../../../kernel/hostapi/types';

/**
 * One loopback HTTP server speaking three wire formats: OpenAI chat completions
 * (/v1/chat/completions, SSE), Anthropic messages (/v1/messages, SSE) and Ollama chat (/api/chat,
 * NDJSON). The model name picks the behaviour:
 *   echo        "echo: <last user text>" (streamed word by word)
 *   tool        with tools: call the first tool with `toolArgs[name]`; after results: "tool said: <result>"
 *   flaky       429 with Retry-After: 1 for the first `flakyFailures` requests, then like echo
 *   fail        500 with the provider's error body, always
 *   slow        never answers; the request stays open until the client gives up (timeouts, interrupts)
 *   drop        closes the connection without answering
 *   missing     404 "model not found" in the provider's format
 */

export type Wire = 'openai' | 'anthropic' | 'ollama';

export interface Recorded {
  wire: Wire;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
  at: number;
}

interface Msg {
  role: string;
  content?: unknown;
  tool_call_id?: string;
}

export class FakeProvider {
  private server = http.createServer((req, res) => this.handle(req, res));
  readonly requests: Recorded[] = [];
  toolArgs: Record<string, Record<string, unknown>> = {};
  flakyFailures = 2;
  private flakyCount = 0;
  port = 0;

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  reset(): void {
    this.requests.length = 0;
    this.flakyCount = 0;
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => {
      const path = req.url ?? '';
      const wire: Wire | undefined = path.endsWith('/chat/completions')
        ? 'openai'
        : path.endsWith('/messages')
          ? 'anthropic'
          : path.endsWith('/api/chat')
            ? 'ollama'
            : undefined;
      if (!wire || req.method !== 'POST') {
        res.writeHead(404).end('not found');
        return;
      }
      const body = JSON.parse(data) as Record<string, unknown>;
      this.requests.push({ wire, path, headers: req.headers, body, at: Date.now() });
      void this.answer(wire, body, req, res);
    });
  }

  private error(wire: Wire, res: http.ServerResponse, status: number, message: string, headers = {}): void {
    const body =
      wire === 'openai'
        ? { error: { message, type: 'server_error' } }
        : wire === 'anthropic'
          ? { type: 'error', error: { type: 'api_error', message } }
          : { error: message };
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  }

  private async answer(
    wire: Wire,
    body: Record<string, unknown>,
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> {
    const model = String(body.model);
    const stream = body.stream === true;
    if (model === 'drop') {
      req.socket.destroy();
      return;
    }
    if (model === 'fail') return this.error(wire, res, 500, 'the fake is overloaded');
    if (model === 'missing') return this.error(wire, res, 404, `model '${model}' not found`);
    if (model === 'flaky' && this.flakyCount++ < this.flakyFailures)
      return this.error(wire, res, 429, 'rate limited, slow down', { 'retry-after': '1' });
    if (model === 'slow') {
      await new Promise((r) => res.once('close', r));
      return;
    }
    const messages = (body.messages ?? []) as Msg[];
    const tools = (body.tools ?? []) as { name?: string; function?: { name: string } }[];
    const toolResult = findToolResult(wire, messages);
    let text: string;
    let call: { name: string; args: Record<string, unknown> } | undefined;
    if (model === 'tool' && tools.length && toolResult === undefined) {
      const name = tools[0].function?.name ?? tools[0].name ?? '';
      call = { name, args: this.toolArgs[name] ?? {} };
      text = '';
    } else if (toolResult !== undefined) {
      text = `tool said: ${toolResult}`;
    } else {
      text = `echo: ${lastUserText(wire, messages)}`;
    }
    const usage = { in: 7, out: text.split(' ').length };
    if (wire === 'openai') openai(res, model, text, call, usage, stream);
    else if (wire === 'anthropic') anthropic(res, model, text, call, usage, stream);
    else ollama(res, model, text, call, usage, stream);
  }
}

function lastUserText(wire: Wire, messages: Msg[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.role === 'user' && typeof m.content === 'string') return m.content;
  }
  return '';
}

function findToolResult(wire: Wire, messages: Msg[]): string | undefined {
  for (const m of messages) {
    if (m.role === 'tool') return String(m.content);
    if (wire === 'anthropic' && m.role === 'user' && Array.isArray(m.content)) {
      const b = (m.content as { type: string; content?: string }[]).find((x) => x.type === 'tool_result');
      if (b) return String(b.content);
    }
  }
  return undefined;
}

const words = (text: string): string[] => text.split(/(?<= )/);
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

function openai(
  res: http.ServerResponse,
  model: string,
  text: string,
  call: { name: string; args: Record<string, unknown> } | undefined,
  usage: { in: number; out: number },
  stream: boolean,
): void {
  const finish = call ? 'tool_calls' : 'stop';
  const u = { prompt_tokens: usage.in, completion_tokens: usage.out, total_tokens: usage.in + usage.out };
  if (!stream) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id: 'chatcmpl-1',
        object: 'chat.completion',
        model: `${model}-0001`,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: call ? null : text,
              ...(call
                ? {
                    tool_calls: [
                      {
                        id: 'call_1',
                        type: 'function',
                        function: { name: call.name, arguments: JSON.stringify(call.args) },
                      },
                    ],
                  }
                : {}),
            },
            finish_reason: finish,
          },
        ],
        usage: u,
      }),
    );
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const send = (o: unknown) => res.write(`data: ${JSON.stringify(o)}\n\n`);
  void (async () => {
    const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', model: `${model}-0001` };
    if (call) {
      const args = JSON.stringify(call.args);
      send({
        ...base,
        choices: [
          {
            index: 0,
            delta: {
              role: 'assistant',
              tool_calls: [
                { index: 0, id: 'call_1', type: 'function', function: { name: call.name, arguments: '' } },
              ],
            },
          },
        ],
      });
      send({
        ...base,
        choices: [
          { index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: args.slice(0, 3) } }] } },
        ],
      });
      send({
        ...base,
        choices: [
          { index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: args.slice(3) } }] } },
        ],
      });
    }
    for (const w of words(text)) {
      send({ ...base, choices: [{ index: 0, delta: { content: w } }] });
      await delay(5);
    }
    send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: finish }] });
    send({ ...base, choices: [], usage: u });
    res.end('data: [DONE]\n\n');
  })();
}

function anthropic(
  res: http.ServerResponse,
  model: string,
  text: string,
  call: { name: string; args: Record<string, unknown> } | undefined,
  usage: { in: number; out: number },
  stream: boolean,
): void {
  const stop = call ? 'tool_use' : 'end_turn';
  if (!stream) {
    const content: unknown[] = [];
    if (text) content.push({ type: 'text', text });
    if (call) content.push({ type: 'tool_use', id: 'toolu_1', name: call.name, input: call.args });
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: `${model}-0001`,
        content,
        stop_reason: stop,
        usage: { input_tokens: usage.in, output_tokens: usage.out },
      }),
    );
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const send = (event: string, o: unknown) =>
    res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...(o as object) })}\n\n`);
  void (async () => {
    send('message_start', {
      message: {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: `${model}-0001`,
        content: [],
        usage: { input_tokens: usage.in, output_tokens: 1 },
      },
    });
    let index = 0;
    if (text) {
      send('content_block_start', { index, content_block: { type: 'text', text: '' } });
      for (const w of words(text)) {
        send('content_block_delta', { index, delta: { type: 'text_delta', text: w } });
        await delay(5);
      }
      send('content_block_stop', { index });
      index++;
    }
    if (call) {
      const args = JSON.stringify(call.args);
      send('content_block_start', {
        index,
        content_block: { type: 'tool_use', id: 'toolu_1', name: call.name, input: {} },
      });
      send('content_block_delta', {
        index,
        delta: { type: 'input_json_delta', partial_json: args.slice(0, 2) },
      });
      send('content_block_delta', {
        index,
        delta: { type: 'input_json_delta', partial_json: args.slice(2) },
      });
      send('content_block_stop', { index });
    }
    send('message_delta', { delta: { stop_reason: stop }, usage: { output_tokens: usage.out } });
    send('message_stop', {});
    res.end();
  })();
}

function ollama(
  res: http.ServerResponse,
  model: string,
  text: string,
  call: { name: string; args: Record<string, unknown> } | undefined,
  usage: { in: number; out: number },
  stream: boolean,
): void {
  const final = {
    model: `${model}-0001`,
    done: true,
    done_reason: 'stop',
    prompt_eval_count: usage.in,
    eval_count: usage.out,
  };
  const toolCalls = call ? [{ function: { name: call.name, arguments: call.args } }] : undefined;
  if (!stream) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        ...final,
        message: { role: 'assistant', content: text, ...(toolCalls ? { tool_calls: toolCalls } : {}) },
      }),
    );
    return;
  }
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  void (async () => {
    if (toolCalls)
      res.write(
        JSON.stringify({
          model,
          done: false,
          message: { role: 'assistant', content: '', tool_calls: toolCalls },
        }) + '\n',
      );
    for (const w of words(text)) {
      res.write(JSON.stringify({ model, done: false, message: { role: 'assistant', content: w } }) + '\n');
      await delay(5);
    }
    res.end(JSON.stringify({ ...final, message: { role: 'assistant', content: '' } }) + '\n');
  })();
}

/** Host settings pointing every provider at the fake (keys in FAKE_*_KEY). */
export function fakeSettings(
  fake: FakeProvider,
  overrides: (s: HostSettings) => void = () => undefined,
): HostSettings {
  const s = defaultHostSettings();
  s.providers = {
    openai: {
      enabled: true,
      type: 'openai',
      base_url: `${fake.url}/v1`,
      api_key_env: 'FAKE_OPENAI_KEY',
      default_model: 'echo',
      timeout_secs: 2,
      max_retries: 2,
    },
    anthropic: {
      enabled: true,
      type: 'anthropic',
      base_url: fake.url,
      api_key_env: 'FAKE_ANTHROPIC_KEY',
      default_model: 'echo',
      timeout_secs: 2,
      max_retries: 2,
    },
    ollama: {
      enabled: true,
      type: 'ollama',
      base_url: fake.url,
      default_model: 'echo',
      timeout_secs: 2,
      max_retries: 2,
    },
  };
  s.default_provider = 'openai';
  s.storage.backend = 'memory';
  overrides(s);
  return s;
}

export const FAKE_ENV = {
  FAKE_OPENAI_KEY: 'sk-test-openai-SECRET',
  FAKE_ANTHROPIC_KEY: 'sk-ant-test-SECRET',
  HOME: '/nonexistent',
};

/** Collects log lines (to check that keys never appear). */
export class MemoryLog implements HostLogger {
  readonly lines: { level: string; obj: object; msg?: string }[] = [];
  debug(obj: object, msg?: string) {
    this.lines.push({ level: 'debug', obj, msg });
  }
  info(obj: object, msg?: string) {
    this.lines.push({ level: 'info', obj, msg });
  }
  warn(obj: object, msg?: string) {
    this.lines.push({ level: 'warn', obj, msg });
  }
  error(obj: object, msg?: string) {
    this.lines.push({ level: 'error', obj, msg });
  }
  text(): string {
    return this.lines.map((l) => `${l.level} ${l.msg ?? ''} ${JSON.stringify(l.obj)}`).join('\n');
  }
}

export interface TestHost {
  rt: LuaRuntime;
  host: Host;
  log: MemoryLog;
  run(code: string): Promise<ExecResult>;
  dispose(): Promise<void>;
}

export async function makeHost(
  settings: HostSettings,
  opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<TestHost> {
  const log = new MemoryLog();
  const host = createHost({ settings, env: opts.env ?? FAKE_ENV, cwd: opts.cwd, log });
  const rt = await LuaRuntime.create({ hostModules: host.modules, cwd: opts.cwd });
  let n = 0;
  return {
    rt,
    host,
    log,
    run: (code) => rt.execute(code, { chunkName: `/cells/hostapi-${++n}.lua`, mode: 'cell' }),
    dispose: async () => {
      await rt.dispose();
      await host.close();
    },
  };
}

/** The values of a successful run, or throw with the Lua error. */
export function values(r: ExecResult): string[] {
  if (!r.ok) throw new Error(`Lua error: ${r.error.message}`);
  return r.values;
}

export function errorOf(r: ExecResult): string {
  if (r.ok) throw new Error(`expected a Lua error, got ${JSON.stringify(r.values)}`);
  return r.error.message;
}
