import type { HistoryQuery } from '../history';
import type { MessageHandler } from './context';

/** history_request: tail, range and search (glob patterns, unique, n). */
export const history: MessageHandler = (ctx) => {
  const c = ctx.msg.content;
  const num = (v: unknown): number | undefined =>
    typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  const query: HistoryQuery = {
    hist_access_type: typeof c.hist_access_type === 'string' ? c.hist_access_type : 'tail',
    output: c.output === true,
    raw: c.raw !== false,
    session: num(c.session),
    start: num(c.start),
    stop: num(c.stop),
    n: num(c.n),
    pattern: typeof c.pattern === 'string' ? c.pattern : undefined,
    unique: c.unique === true,
  };
  ctx.reply('history_reply', { status: 'ok', history: ctx.kernel.history.query(query) });
};
