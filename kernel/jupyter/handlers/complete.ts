import { clampCursor, codePointToIndex, indexToCodePoint } from '../codepoints';
import { completionToken, declaredNames, LUA_KEYWORDS } from '../lua-syntax';
import { field, isString, type MessageHandler } from './context';

/**
 * complete_request: globals, the cell's locals, members after `.`/`:` (live values, host API),
 * keywords. cursor_pos, cursor_start and cursor_end count code points.
 */
export const complete: MessageHandler = async (ctx) => {
  const code = field(ctx.msg.content, 'code', isString, '');
  const cursor = clampCursor(code, ctx.msg.content.cursor_pos);
  const index = codePointToIndex(code, cursor);
  const tok = completionToken(code, index);
  const matches = new Set<string>();
  if (tok.base !== '' || tok.word !== '') {
    let found: string[] = [];
    try {
      found = (await ctx.kernel.runtime.complete(tok.base + tok.word)).matches;
    } catch (err) {
      ctx.kernel.logger.debug({ err }, 'runtime completion failed');
    }
    for (const m of found) {
      const name = tok.base !== '' && m.startsWith(tok.base) ? m.slice(tok.base.length) : m;
      if (name.startsWith(tok.word)) matches.add(name);
    }
    if (tok.base === '') {
      const before = code.slice(0, tok.start) + code.slice(tok.end);
      for (const n of [...LUA_KEYWORDS, ...declaredNames(before)]) {
        if (n.startsWith(tok.word)) matches.add(n);
      }
    }
  }
  ctx.reply('complete_reply', {
    status: 'ok',
    matches: [...matches].sort(),
    cursor_start: indexToCodePoint(code, tok.start),
    cursor_end: cursor,
    metadata: {},
  });
};
