import { HostError } from '../types';
import {
  type ChatContext,
  type ChatRequest,
  type ChatResult,
  joinUrl,
  newCallId,
  type ToolCall,
} from './chat';
import { collect, lines, parseJson, postJson } from './http';

/** Ollama's native chat API (POST {base_url}/api/chat), streaming as newline-delimited JSON. */

interface WireMessage {
  role?: string;
  content?: string;
  tool_calls?: { function?: { name?: string; arguments?: Record<string, unknown> | string } }[];
}
interface WireChunk {
  model?: string;
  message?: WireMessage;
  done?: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
  error?: string;
}

export function ollamaBody(req: ChatRequest): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  if (req.temperature !== undefined) options.temperature = req.temperature;
  if (req.max_tokens !== undefined) options.num_predict = req.max_tokens;
  return {
    model: req.model,
    stream: req.stream,
    messages: req.messages.map((m) => {
      if (m.role === 'assistant')
        return {
          role: 'assistant',
          content: m.content,
          ...(m.tool_calls?.length
            ? {
                tool_calls: m.tool_calls.map((c) => ({ function: { name: c.name, arguments: c.arguments } })),
              }
            : {}),
        };
      if (m.role === 'tool') return { role: 'tool', content: m.content, tool_name: m.name };
      return { role: m.role, content: m.content };
    }),
    ...(Object.keys(options).length ? { options } : {}),
    ...(req.tools?.length
      ? {
          tools: req.tools.map((t) => ({
            type: 'function',
            function: { name: t.name, description: t.description, parameters: t.parameters },
          })),
        }
      : {}),
  };
}

function calls(m: WireMessage | undefined): ToolCall[] {
  return (m?.tool_calls ?? []).map((c) => {
    const a = c.function?.arguments;
    let args: Record<string, unknown> = {};
    if (typeof a === 'string') {
      try {
        args = JSON.parse(a) as Record<string, unknown>;
      } catch {
        args = { _raw: a };
      }
    } else if (a) args = a;
    return { id: newCallId(), name: c.function?.name ?? '', arguments: args };
  });
}

export async function ollamaChat(req: ChatRequest, ctx: ChatContext): Promise<ChatResult> {
  const url = joinUrl(ctx.config.base_url, '/api/chat');
  const headers: Record<string, string> = {};
  if (ctx.apiKey) headers.authorization = `Bearer ${ctx.apiKey}`;
  const request = {
    provider: ctx.provider,
    config: ctx.config,
    url,
    headers,
    body: ollamaBody(req),
    signal: ctx.signal,
    log: ctx.log,
  };
  const finish = (c: WireChunk, content: string, toolCalls: ToolCall[]): ChatResult => ({
    content,
    model: c.model ?? req.model,
    usage: { input_tokens: c.prompt_eval_count ?? 0, output_tokens: c.eval_count ?? 0 },
    finish_reason: toolCalls.length ? 'tool_calls' : (c.done_reason ?? 'stop'),
    tool_calls: toolCalls,
  });
  if (!req.stream) {
    return postJson(request, async (chunks) => {
      const c = parseJson(await collect(chunks), ctx.provider, url) as WireChunk;
      if (c.error) throw new HostError(`${ctx.provider}: ${c.error}`);
      return finish(c, c.message?.content ?? '', calls(c.message));
    });
  }
  return postJson(request, async (chunks) => {
    let content = '';
    const toolCalls: ToolCall[] = [];
    for await (const line of lines(chunks)) {
      if (!line.trim()) continue;
      const c = parseJson(line, ctx.provider, url) as WireChunk;
      if (c.error) throw new HostError(`${ctx.provider}: stream error: ${c.error}`);
      const text = c.message?.content;
      if (text) {
        content += text;
        ctx.onText(text);
      }
      toolCalls.push(...calls(c.message));
      if (c.done) return finish(c, content, toolCalls);
    }
    throw new HostError(`${ctx.provider}: the connection to ${url} closed mid-response`);
  });
}
