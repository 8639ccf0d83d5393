import { HostError } from '../types';
import {
  type ChatContext,
  type ChatRequest,
  type ChatResult,
  joinUrl,
  newCallId,
  parseArguments,
  type ToolCall,
} from './chat';
import { collect, parseJson, postJson, sseEvents } from './http';

/**
 * OpenAI chat completions (POST {base_url}/chat/completions), streaming as server-sent events.
 * Also serves every compatible server: Ollama's /v1, vLLM, LM Studio, Gemini's OpenAI endpoint.
 */

interface WireToolCall {
  index?: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}
interface WireChoice {
  message?: { content?: string | null; tool_calls?: WireToolCall[] };
  delta?: { content?: string | null; tool_calls?: WireToolCall[] };
  finish_reason?: string | null;
}
interface WireResponse {
  model?: string;
  choices?: WireChoice[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  error?: { message?: string };
}

function wireMessages(req: ChatRequest): unknown[] {
  return req.messages.map((m) => {
    if (m.role === 'assistant')
      return {
        role: 'assistant',
        content: m.content || (m.tool_calls?.length ? null : ''),
        ...(m.tool_calls?.length
          ? {
              tool_calls: m.tool_calls.map((c) => ({
                id: c.id,
                type: 'function',
                function: { name: c.name, arguments: JSON.stringify(c.arguments) },
              })),
            }
          : {}),
      };
    if (m.role === 'tool') return { role: 'tool', tool_call_id: m.tool_call_id, content: m.content };
    return { role: m.role, content: m.content };
  });
}

export function openaiBody(req: ChatRequest): Record<string, unknown> {
  return {
    model: req.model,
    messages: wireMessages(req),
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
    ...(req.max_tokens !== undefined ? { max_tokens: req.max_tokens } : {}),
    ...(req.tools?.length
      ? {
          tools: req.tools.map((t) => ({
            type: 'function',
            function: { name: t.name, description: t.description, parameters: t.parameters },
          })),
        }
      : {}),
    ...(req.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
}

function toolCalls(wire: WireToolCall[] | undefined): ToolCall[] {
  return (wire ?? []).map((c) => ({
    id: c.id || newCallId(),
    name: c.function?.name ?? '',
    arguments: parseArguments(c.function?.arguments),
  }));
}

export async function openaiChat(req: ChatRequest, ctx: ChatContext): Promise<ChatResult> {
  const url = joinUrl(ctx.config.base_url, '/chat/completions');
  const headers: Record<string, string> = {};
  if (ctx.apiKey) headers.authorization = `Bearer ${ctx.apiKey}`;
  const base = {
    provider: ctx.provider,
    config: ctx.config,
    url,
    headers,
    body: openaiBody(req),
    signal: ctx.signal,
    log: ctx.log,
  };
  if (!req.stream) {
    return postJson(base, async (chunks) => {
      const r = parseJson(await collect(chunks), ctx.provider, url) as WireResponse;
      const choice = r.choices?.[0];
      if (!choice) throw new HostError(`${ctx.provider}: ${url} answered without choices`);
      const calls = toolCalls(choice.message?.tool_calls);
      return {
        content: choice.message?.content ?? '',
        model: r.model ?? req.model,
        usage: {
          input_tokens: r.usage?.prompt_tokens ?? 0,
          output_tokens: r.usage?.completion_tokens ?? 0,
        },
        finish_reason: choice.finish_reason ?? (calls.length ? 'tool_calls' : 'stop'),
        tool_calls: calls,
      };
    });
  }
  return postJson(base, async (chunks) => {
    let content = '';
    let model = req.model;
    let finish = '';
    const usage = { input_tokens: 0, output_tokens: 0 };
    const partial: { id?: string; name: string; args: string }[] = [];
    let done = false;
    for await (const ev of sseEvents(chunks)) {
      if (ev.data === '[DONE]') {
        done = true;
        break;
      }
      const r = parseJson(ev.data, ctx.provider, url) as WireResponse;
      if (r.error) throw new HostError(`${ctx.provider}: stream error: ${r.error.message ?? ev.data}`);
      if (r.model) model = r.model;
      if (r.usage) {
        usage.input_tokens = r.usage.prompt_tokens ?? usage.input_tokens;
        usage.output_tokens = r.usage.completion_tokens ?? usage.output_tokens;
      }
      const choice = r.choices?.[0];
      if (!choice) continue;
      const text = choice.delta?.content;
      if (text) {
        content += text;
        ctx.onText(text);
      }
      for (const tc of choice.delta?.tool_calls ?? []) {
        const i = tc.index ?? partial.length;
        const p = (partial[i] ??= { name: '', args: '' });
        if (tc.id) p.id = tc.id;
        if (tc.function?.name) p.name += tc.function.name;
        if (tc.function?.arguments) p.args += tc.function.arguments;
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    if (!done && !finish)
      throw new HostError(`${ctx.provider}: the connection to ${url} closed mid-response`);
    const calls = partial
      .filter((p) => p)
      .map((p) => ({ id: p.id || newCallId(), name: p.name, arguments: parseArguments(p.args) }));
    return {
      content,
      model,
      usage,
      finish_reason: finish || (calls.length ? 'tool_calls' : 'stop'),
      tool_calls: calls,
    };
  });
}
