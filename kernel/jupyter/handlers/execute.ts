import { formatLuaError } from '../traceback';
import { inspectName } from './inspect';
import { field, isBool, isObject, isString, type MessageHandler, type RequestContext } from './context';
import type { JsonObject } from '../wire';

/** `?name`, `name?` and `help(name)`-style page requests answered without running Lua. */
const PAGE_RE = /^\s*(?:\?\s*([A-Za-z_][\w.:]*)|([A-Za-z_][\w.:]*)\s*\?)\s*$/;

async function evalUserExpressions(ctx: RequestContext, exprs: JsonObject): Promise<JsonObject> {
  const out: JsonObject = {};
  for (const [name, expr] of Object.entries(exprs)) {
    if (typeof expr !== 'string') continue;
    const r = await ctx.kernel.runtime.execute(expr, { chunkName: '<user_expression>', mode: 'cell' });
    out[name] = r.ok
      ? { status: 'ok', data: { 'text/plain': r.values.join('\t') }, metadata: {} }
      : { status: 'error', ename: r.error.ename, evalue: r.error.message, traceback: r.error.traceback };
  }
  return out;
}

/**
 * execute_request: execution_count rules (only store_history increments), silent (no execute_input,
 * outputs or history), user_expressions, allow_stdin, stop_on_error (queued cells aborted).
 */
export const execute: MessageHandler = async (ctx) => {
  const k = ctx.kernel;
  const c = ctx.msg.content;
  const code = field(c, 'code', isString, '');
  const silent = field(c, 'silent', isBool, false);
  const storeHistory = silent ? false : field(c, 'store_history', isBool, true);
  const allowStdin = field(c, 'allow_stdin', isBool, true);
  const stopOnError = field(c, 'stop_on_error', isBool, true);
  const userExpressions = field(c, 'user_expressions', isObject, {});

  if (storeHistory) k.executionCount++;
  const count = k.executionCount;
  if (!silent) ctx.publish('execute_input', { code, execution_count: count });
  const entry = storeHistory ? k.history.add(count, code) : undefined;
  const started = performance.now();
  const replyMeta = (status: string): JsonObject => ({
    started: new Date(Date.now() - (performance.now() - started)).toISOString(),
    dependencies_met: true,
    engine: 'llmspell',
    status,
  });

  const page = PAGE_RE.exec(code);
  if (page) {
    const result = await inspectName(k, page[1] ?? page[2]);
    const data = result.found
      ? result.data
      : { 'text/plain': `No documentation or value for ${page[1] ?? page[2]}` };
    k.recordExecution(true, performance.now() - started);
    ctx.reply(
      'execute_reply',
      {
        status: 'ok',
        execution_count: count,
        payload: [{ source: 'page', data, start: 0 }],
        user_expressions: {},
      },
      replyMeta('ok'),
    );
    return;
  }

  const source = code.replace(/^%%lua[^\n]*\n?/, '');
  const chunkName = k.cellChunkName(code, count);
  k.beginExecution(ctx.msg, { silent, allowStdin });
  let result;
  try {
    result = await k.runtime.execute(source, { chunkName, mode: 'cell' });
  } finally {
    k.endExecution();
  }
  const elapsed = performance.now() - started;
  k.recordExecution(result.ok, elapsed);

  if (result.ok) {
    const text = result.values.join('\t');
    if (result.values.length > 0 && !silent) {
      ctx.publish('execute_result', { execution_count: count, data: { 'text/plain': text }, metadata: {} });
    }
    if (entry && result.values.length > 0) k.history.setOutput(entry, text);
    const ue = Object.keys(userExpressions).length > 0 ? await evalUserExpressions(ctx, userExpressions) : {};
    ctx.reply(
      'execute_reply',
      { status: 'ok', execution_count: count, payload: [], user_expressions: ue },
      replyMeta('ok'),
    );
    return;
  }

  const luaError =
    k.lastInputDenied && /allow_stdin is false/.test(result.error.message)
      ? { ...result.error, ename: 'InputError' }
      : result.error;
  const err = formatLuaError(
    luaError,
    (p) => k.chunkSource(p),
    (p) => k.chunkLabel(p),
  );
  if (!silent) ctx.publish('error', err);
  ctx.reply(
    'execute_reply',
    { status: 'error', ...err, execution_count: count, payload: [], user_expressions: {} },
    replyMeta('error'),
  );
  if (stopOnError) k.abortQueuedExecutes();
};
