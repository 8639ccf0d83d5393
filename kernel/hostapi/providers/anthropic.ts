import { HostError } from '../types';
import {
  type ChatContext,
  type ChatRequest,
  type ChatResult,
  joinUrl,
  parseArguments,
  type ToolCall,
} from './chat';
import { collect, parseJson, postJson, sseEvents } from './http';

/** Anthropic messages API (POST {base_url}/v1/messages), streaming as server-sent events. */

export const ANTHROPIC_VERSION = '2023-06-01';
/** Anthropic requires max_tokens; used when the script sets none. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

type Block =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'tool_result'; tool_use_id: string; content: string };

interface WireMessage {
  role: 'user' | 'assistant';
  content: string | Block[];
}

interface WireResponse {
  model?: string;
  content?: Block[];
  stop_reason?: string | null;
  usage?: { input_tokens?: number; output_tokens?: number };
}

const FINISH: Record<string, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
};

export function anthropicBody(req: ChatRequest): Record<string, unknown> {
  const system = req.messages
    .filter((m) => m.role === 'system')
    .map((m) => m.content)
    .join('\n\n');
  const messages: WireMessage[] = [];
  for (const m of req.messages) {
    if (m.role === 'system') continue;
    if (m.role === 'tool') {
      const block: Block = { type: 'tool_result', tool_use_id: m.tool_call_id, content: m.content };
      const last = messages[messages.length - 1];
      // consecutive tool results go into one user message
      if (
        last &&
        last.role === 'user' &&
        Array.isArray(last.content) &&
        last.content[0]?.type === 'tool_result'
      )
        last.content.push(block);
      else messages.push({ role: 'user', content: [block] });
    } else if (m.role === 'assistant' && m.tool_calls?.length) {
      const blocks: Block[] = m.content ? [{ type: 'text', text: m.content }] : [];
      for (const c of m.tool_calls)
        blocks.push({ type: 'tool_use', id: c.id, name: c.name, input: c.arguments });
      messages.push({ role: 'assistant', content: blocks });
    } else {
      messages.push({ role: m.role, content: m.content });
    }
  }
  return {
    model: req.model,
    max_tokens: req.max_tokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
    messages,
    ...(system ? { system } : {}),
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
    ...(req.tools?.length
      ? {
          tools: req.tools.map((t) => ({
            name: t.name,
            description: t.description,
            input_schema: t.parameters,
          })),
        }
      : {}),
    ...(req.stream ? { stream: true } : {}),
  };
}

/** A whole (not streamed) messages response as the chat result. */
function anthropicResult(r: WireResponse, model: string): ChatResult {
  const calls: ToolCall[] = [];
  let content = '';
  for (const b of r.content ?? []) {
    if (b.type === 'text') content += b.text;
    else if (b.type === 'tool_use') calls.push({ id: b.id, name: b.name, arguments: b.input ?? {} });
  }
  return {
    content,
    model: r.model ?? model,
    usage: { input_tokens: r.usage?.input_tokens ?? 0, output_tokens: r.usage?.output_tokens ?? 0 },
    finish_reason: FINISH[r.stop_reason ?? ''] ?? r.stop_reason ?? 'stop',
    tool_calls: calls,
  };
}

type StreamEvent = Record<string, unknown> & { type?: string };

/** What a streamed messages response has said so far (server-sent events, in order). */
class AnthropicStream {
  content = '';
  stop = '';
  finished = false;
  readonly usage = { input_tokens: 0, output_tokens: 0 };
  private readonly blocks: { type: string; id?: string; name?: string; json: string }[] = [];

  constructor(
    public model: string,
    private readonly onText: (text: string) => void,
  ) {}

  /** Apply one event; an `error` event is thrown as a HostError naming the provider. */
  apply(type: string | undefined, d: StreamEvent, provider: string, raw: string): void {
    if (type === 'message_start') {
      const m = d.message as WireResponse | undefined;
      if (m?.model) this.model = m.model;
      this.usage.input_tokens = m?.usage?.input_tokens ?? 0;
      this.usage.output_tokens = m?.usage?.output_tokens ?? 0;
    } else if (type === 'content_block_start') {
      const b = d.content_block as { type: string; id?: string; name?: string };
      this.blocks[d.index as number] = { type: b.type, id: b.id, name: b.name, json: '' };
    } else if (type === 'content_block_delta') {
      this.delta(d);
    } else if (type === 'message_delta') {
      const delta = d.delta as { stop_reason?: string };
      if (delta?.stop_reason) this.stop = delta.stop_reason;
      const u = d.usage as { output_tokens?: number; input_tokens?: number } | undefined;
      if (u?.output_tokens !== undefined) this.usage.output_tokens = u.output_tokens;
      if (u?.input_tokens) this.usage.input_tokens = u.input_tokens;
    } else if (type === 'message_stop') {
      this.finished = true;
    } else if (type === 'error') {
      const e = d.error as { message?: string } | undefined;
      throw new HostError(`${provider}: stream error: ${e?.message ?? raw}`);
    }
  }

  private delta(d: StreamEvent): void {
    const delta = d.delta as { type: string; text?: string; partial_json?: string };
    if (delta.type === 'text_delta' && delta.text) {
      this.content += delta.text;
      this.onText(delta.text);
    } else if (delta.type === 'input_json_delta') {
      const b = this.blocks[d.index as number];
      if (b) b.json += delta.partial_json ?? '';
    }
  }

  result(): ChatResult {
    const calls: ToolCall[] = this.blocks
      .filter((b) => b && b.type === 'tool_use')
      .map((b) => ({ id: b.id ?? '', name: b.name ?? '', arguments: parseArguments(b.json) }));
    return {
      content: this.content,
      model: this.model,
      usage: this.usage,
      finish_reason: FINISH[this.stop] ?? (this.stop || 'stop'),
      tool_calls: calls,
    };
  }
}

export async function anthropicChat(req: ChatRequest, ctx: ChatContext): Promise<ChatResult> {
  const base = ctx.config.base_url.replace(/\/+$/, '');
  const url = base.endsWith('/v1') ? joinUrl(base, '/messages') : joinUrl(base, '/v1/messages');
  const headers: Record<string, string> = { 'anthropic-version': ANTHROPIC_VERSION };
  if (ctx.apiKey) headers['x-api-key'] = ctx.apiKey;
  const request = {
    provider: ctx.provider,
    config: ctx.config,
    url,
    headers,
    body: anthropicBody(req),
    signal: ctx.signal,
    log: ctx.log,
  };
  if (!req.stream) {
    return postJson(request, async (chunks) =>
      anthropicResult(parseJson(await collect(chunks), ctx.provider, url) as WireResponse, req.model),
    );
  }
  return postJson(request, async (chunks) => {
    const stream = new AnthropicStream(req.model, ctx.onText);
    for await (const ev of sseEvents(chunks)) {
      const d = parseJson(ev.data, ctx.provider, url) as StreamEvent;
      stream.apply(d.type ?? ev.event, d, ctx.provider, ev.data);
    }
    if (!stream.finished)
      throw new HostError(`${ctx.provider}: the connection to ${url} closed mid-response`);
    return stream.result();
  });
}
