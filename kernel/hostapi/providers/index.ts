import type { HostSettings, ProviderConfig, ProviderType } from '../../config/config';
import { HostError } from '../types';
import { anthropicChat } from './anthropic';
import type { ChatFn } from './chat';
import { ollamaChat } from './ollama';
import { openaiChat } from './openai';

export const CHAT_FNS: Record<ProviderType, ChatFn> = {
  openai: openaiChat,
  anthropic: anthropicChat,
  ollama: ollamaChat,
};

export interface ResolvedModel {
  provider: string;
  model: string;
  config: ProviderConfig;
  apiKey?: string;
}

/**
 * "provider/model" (or a bare model for the default provider, or nothing for the default
 * provider's default model) to a configured, enabled provider with its key from the environment.
 */
export function resolveModel(
  spec: string | undefined,
  settings: HostSettings,
  env: NodeJS.ProcessEnv,
): ResolvedModel {
  const known = Object.keys(settings.providers).sort().join(', ');
  let provider = settings.default_provider;
  let model = '';
  if (spec) {
    const slash = spec.indexOf('/');
    if (slash > 0 && settings.providers[spec.slice(0, slash)] !== undefined) {
      provider = spec.slice(0, slash);
      model = spec.slice(slash + 1);
    } else if (slash > 0 && !spec.slice(0, slash).includes(':')) {
      throw new HostError(
        `unknown provider '${spec.slice(0, slash)}' in model '${spec}' (configured providers: ${known}; ` +
          `add a [providers.${spec.slice(0, slash)}] section to configure it)`,
      );
    } else if (settings.providers[spec] !== undefined) {
      provider = spec;
    } else {
      model = spec;
    }
  }
  const config = settings.providers[provider];
  if (!config) throw new HostError(`unknown provider '${provider}' (configured providers: ${known})`);
  if (!config.enabled)
    throw new HostError(`provider '${provider}' is disabled ([providers.${provider}] enabled = false)`);
  model ||= config.default_model ?? '';
  if (!model)
    throw new HostError(
      `no model given for provider '${provider}': use "${provider}/MODEL" or set [providers.${provider}] default_model`,
    );
  let apiKey: string | undefined;
  if (config.api_key_env) {
    apiKey = env[config.api_key_env];
    if (!apiKey && config.type !== 'ollama')
      throw new HostError(
        `${provider}: API key missing: set the ${config.api_key_env} environment variable ` +
          `([providers.${provider}] api_key_env)`,
      );
  }
  return { provider, model, config, apiKey: apiKey || undefined };
}
