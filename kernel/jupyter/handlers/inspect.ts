import { clampCursor, codePointToIndex } from '../codepoints';
import { luaDoc } from '../lua-docs';
import { inspectToken } from '../lua-syntax';
import type { KernelServices } from './context';
import { field, isString, type MessageHandler } from './context';

export interface Inspection {
  found: boolean;
  data: Record<string, string>;
}

/** Documentation (std lib, host API) plus the live value of the name under the cursor. */
export async function inspectName(kernel: KernelServices, expr: string): Promise<Inspection> {
  if (expr === '') return { found: false, data: {} };
  const doc = luaDoc(expr);
  let value: { found: boolean; text: string; type: string } = { found: false, text: '', type: '' };
  try {
    value = await kernel.runtime.inspect(expr);
  } catch (err) {
    kernel.logger.debug({ err, expr }, 'runtime inspect failed');
  }
  if (!doc && !value.found) return { found: false, data: {} };
  const plain: string[] = [];
  const md: string[] = [];
  if (doc) {
    plain.push(doc);
    md.push('```lua\n' + doc.split('\n')[0] + '\n```', ...doc.split('\n').slice(1));
  }
  if (value.found) {
    plain.push(`${expr}: ${value.type} = ${value.text}`);
    md.push(`**${expr}**: \`${value.type}\` = \`${value.text.replace(/`/g, "'")}\``);
  }
  return { found: true, data: { 'text/plain': plain.join('\n'), 'text/markdown': md.join('\n\n') } };
}

/** inspect_request: cursor_pos counts code points. */
export const inspect: MessageHandler = async (ctx) => {
  const code = field(ctx.msg.content, 'code', isString, '');
  const cursor = clampCursor(code, ctx.msg.content.cursor_pos);
  const expr = inspectToken(code, codePointToIndex(code, cursor));
  const result = await inspectName(ctx.kernel, expr);
  ctx.reply('inspect_reply', { status: 'ok', found: result.found, data: result.data, metadata: {} });
};
