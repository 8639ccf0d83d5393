import type { ProviderConfig } from '../../config/config';
import type { HostLogger } from '../types';

/** Provider-neutral chat types: the Lua side speaks these, each provider file translates them. */

export interface ToolCall {
  id: string;
  name: string;
  /** Parsed arguments (an object). */
  arguments: Record<string, unknown>;
}

export type ChatMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string; tool_calls?: ToolCall[] }
  | { role: 'tool'; tool_call_id: string; name: string; content: string };

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON schema of the arguments. */
  parameters: Record<string, unknown>;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  tools?: ToolSpec[];
  temperature?: number;
  max_tokens?: number;
  stream: boolean;
}

export interface ChatResult {
  content: string;
  /** The model that answered, as the server reported it. */
  model: string;
  usage: { input_tokens: number; output_tokens: number };
  /** "stop", "length", "tool_calls", ... */
  finish_reason: string;
  tool_calls: ToolCall[];
}

export interface ChatContext {
  provider: string;
  config: ProviderConfig;
  apiKey?: string;
  signal: AbortSignal;
  log: HostLogger;
  /** Streamed text pieces (only when request.stream). */
  onText(text: string): void;
}

export type ChatFn = (req: ChatRequest, ctx: ChatContext) => Promise<ChatResult>;

export function joinUrl(base: string, suffix: string): string {
  return base.replace(/\/+$/, '') + suffix;
}

/** Tool arguments arrive as JSON text from most providers. */
export function parseArguments(text: string | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
  } catch {
    return { _raw: text };
  }
}

let callCounter = 0;
export function newCallId(): string {
  return `call_${Date.now().toString(36)}_${++callCounter}`;
}
