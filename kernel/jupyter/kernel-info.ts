import { VERSION } from '../shared/version';
import { PROTOCOL_VERSION, type JsonObject } from './wire';

/** kernel_info_reply content (shell and control). */
export function kernelInfoContent(): JsonObject {
  return {
    status: 'ok',
    protocol_version: PROTOCOL_VERSION,
    implementation: 'llmspell',
    implementation_version: VERSION,
    language_info: {
      name: 'lua',
      version: '5.4',
      mimetype: 'text/x-lua',
      file_extension: '.lua',
      pygments_lexer: 'lua',
      codemirror_mode: 'lua',
    },
    banner: `LLMSpell ${VERSION} - Lua 5.4 (wasmoon) kernel. Type ?name for help on a name.`,
    help_links: [
      { text: 'Lua 5.4 Reference Manual', url: 'https://www.lua.org/manual/5.4/' },
      { text: 'LLMSpell', url: 'https://github.com/lexlapax/rs-llmspell' },
    ],
    debugger: true,
    supported_features: ['debugger'],
  };
}
