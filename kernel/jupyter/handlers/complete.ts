import { clampCursor, codePointToIndex, indexToCodePoint } from '../codepoints';
import { completionToken, declaredNames, LUA_KEYWORDS } from '../lua-syntax';
import { localBase, parenStringBase } from '../member-base';
import { field, isString, type MessageHandler } from './context';

/**
 * complete_request: globals, the cell's locals, members after `.`/`:` (live values, host API, the
 * values of the cell's locals and parenthesized strings: member-base.ts), keywords. cursor_pos, cursor_start and cursor_end count code points.
 */
export const complete: MessageHandler = async (ctx) => {
  const code = field(ctx.msg.content, 'code', isString, '');
  const cursor = clampCursor(code, ctx.msg.content.cursor_pos);
  const index = codePointToIndex(code, cursor);
  const tok = completionToken(code, index);
  const before = code.slice(0, tok.start);
  // the object members are completed on: a global path, a cell local's initializer, ('str')
  const base = tok.base !== '' ? (localBase(before, tok.base) ?? tok.base) : (parenStringBase(before) ?? '');
  const matches = new Set<string>();
  if (base !== '' || tok.word !== '') {
    let found: string[] = [];
    try {
      found = (await ctx.kernel.runtime.complete(base + tok.word)).matches;
    } catch (err) {
      ctx.kernel.logger.debug({ err }, 'runtime completion failed');
    }
    for (const m of found) {
      const name = base !== '' && m.startsWith(base) ? m.slice(base.length) : m;
      if (name.startsWith(tok.word)) matches.add(name);
    }
    if (base === '') {
      const rest = before + code.slice(tok.end);
      for (const n of [...LUA_KEYWORDS, ...declaredNames(rest)]) {
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
