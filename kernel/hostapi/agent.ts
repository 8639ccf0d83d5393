import type { HostModule } from '../runtime/types';
import type { ChatMessage, ChatRequest, ToolSpec } from './providers/chat';
import { CHAT_FNS, resolveModel } from './providers';
import { type HostConfig, silentHostLogger } from './types';
import { hostLua } from './lua';

/**
 * The Agent global: builders and one-shot queries in Lua, model calls on the main thread. The tool
 * loop runs in Lua (tools registered in Lua must run in the VM): `agent.chat` returns the model's
 * tool calls, Lua runs them through the Tool registry and calls again with the results.
 */

/** JSON schemas from Lua may carry `required = {}` (an empty table, encoded as an object). */
function cleanSchema(p: unknown): Record<string, unknown> {
  const s = p && typeof p === 'object' && !Array.isArray(p) ? { ...(p as Record<string, unknown>) } : {};
  if (!s.type) s.type = 'object';
  if (s.required !== undefined && !Array.isArray(s.required)) delete s.required;
  if (s.properties && (typeof s.properties !== 'object' || Array.isArray(s.properties))) s.properties = {};
  s.properties ??= {};
  return s;
}

interface ChatArgs {
  model?: string;
  messages?: ChatMessage[];
  tools?: ToolSpec[];
  temperature?: number;
  max_tokens?: number;
  stream?: boolean;
}

export function agentModule(config: HostConfig): HostModule {
  const env = config.env ?? process.env;
  const log = config.log ?? silentHostLogger;
  return {
    name: 'agent',
    lua: hostLua('agent'),
    handlers: {
      'agent.check': async (args) => {
        const { model } = (args ?? {}) as { model?: string };
        const r = resolveModel(model, config.settings, env);
        return { model: `${r.provider}/${r.model}`, provider: r.provider };
      },
      'agent.chat': async (args, ctx) => {
        const a = (args ?? {}) as ChatArgs;
        const r = resolveModel(a.model, config.settings, env);
        const req: ChatRequest = {
          model: r.model,
          messages: Array.isArray(a.messages) ? a.messages : [],
          tools: Array.isArray(a.tools)
            ? a.tools.map((t) => ({
                name: t.name,
                description: t.description ?? '',
                parameters: cleanSchema(t.parameters),
              }))
            : undefined,
          temperature: a.temperature,
          max_tokens: a.max_tokens,
          stream: a.stream === true,
        };
        for (const m of req.messages)
          if (m.role === 'assistant' && m.tool_calls && !Array.isArray(m.tool_calls)) m.tool_calls = [];
        log.debug({ provider: r.provider, model: r.model, stream: req.stream }, 'model request');
        const started = Date.now();
        const result = await CHAT_FNS[r.config.type](req, {
          provider: r.provider,
          config: r.config,
          apiKey: r.apiKey,
          signal: ctx.signal,
          log,
          onText: (text) => ctx.emit({ text }),
        });
        log.debug(
          { provider: r.provider, model: result.model, ms: Date.now() - started, usage: result.usage },
          'model answered',
        );
        return { ...result, provider: r.provider };
      },
    },
  };
}
