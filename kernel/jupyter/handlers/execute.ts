import type { ExecResult } from '../../runtime/types';
import { returnLastExpression } from '../last-expression';
import { formatLuaError } from '../traceback';
import { inspectName } from './inspect';
import {
  field,
  isBool,
  isObject,
  isString,
  type KernelServices,
  type MessageHandler,
  type RequestContext,
} from './context';
import type { JsonObject } from '../wire';

/** `?name`, `name?` and `help(name)`-style page requests answered without running Lua. */
const PAGE_RE = /^\s*(?:\?\s*([A-Za-z_][\w.:]*)|([A-Za-z_][\w.:]*)\s*\?)\s*$/;
/** `exit` / `quit` (bare words, or calls when no such Lua function exists): ask the front end to quit. */
const EXIT_RE = /^\s*(exit|quit)\s*(\(\s*\))?\s*;?\s*$/;
/** A `%%lua` magic line is blanked (not removed) so the runtime's lines equal the cell's lines. */
const MAGIC_RE = /^%%lua[^\n]*/;

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

async function isDefined(k: KernelServices, name: string): Promise<boolean> {
  try {
    const v = await k.runtime.inspect(name);
    return v.found && v.type !== 'nil';
  } catch {
    return false;
  }
}

/** A payload-only reply (pages, ask_exit): nothing runs. */
async function payloadFor(k: KernelServices, code: string): Promise<JsonObject | undefined> {
  const page = PAGE_RE.exec(code);
  if (page) {
    const name = page[1] ?? page[2];
    const result = await inspectName(k, name);
    const data = result.found ? result.data : { 'text/plain': `No documentation or value for ${name}` };
    return { source: 'page', data, start: 0 };
  }
  const exit = EXIT_RE.exec(code);
  if (exit && !(exit[2] && (await isDefined(k, exit[1])))) return { source: 'ask_exit', keepkernel: false };
  return undefined;
}

/**
 * Run a cell. A cell of statements that ends in a bare expression (`x = 1\nx`) fails to compile;
 * it is then run again with `return` before that expression, so its value is shown.
 */
/**
 * Run a cell; `interrupts` is the kernel's interrupt count when its request was taken: one that
 * arrived since (right after execute_input, before the code started) interrupts it as it starts.
 */
async function runCell(
  k: KernelServices,
  code: string,
  chunkName: string,
  interrupts: number,
): Promise<ExecResult> {
  const start = (text: string): Promise<ExecResult> => {
    const run = k.runtime.execute(text, { chunkName, mode: 'cell' });
    if (k.interrupts !== interrupts) k.runtime.interrupt();
    return run;
  };
  const source = code.replace(MAGIC_RE, '');
  const result = await start(source);
  if (result.ok || result.error.ename !== 'SyntaxError') return result;
  const withReturn = returnLastExpression(source);
  return withReturn === undefined ? result : start(withReturn);
}

/** The values a cell shows: a display call's id (returned for display.update) is not shown. */
function shownValues(k: KernelServices, values: string[]): string[] {
  if (values.length !== 1) return values;
  const m = /^"(.*)"$/.exec(values[0]);
  return m && k.displayIds.has(m[1]) ? [] : values;
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

  const interrupts = k.interrupts;
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

  const payload = await payloadFor(k, code);
  if (payload) {
    k.recordExecution(true, performance.now() - started);
    const content = { status: 'ok', execution_count: count, payload: [payload], user_expressions: {} };
    ctx.reply('execute_reply', content, replyMeta('ok'));
    return;
  }

  const chunkName = k.cellChunkName(code, count);
  k.beginExecution(ctx.msg, { silent, allowStdin });
  let result: ExecResult;
  try {
    result = await runCell(k, code, chunkName, interrupts);
  } finally {
    k.endExecution();
  }
  k.recordExecution(result.ok, performance.now() - started);

  if (result.ok) {
    const values = shownValues(k, result.values);
    const text = values.join('\t');
    if (values.length > 0 && !silent) {
      ctx.publish('execute_result', { execution_count: count, data: { 'text/plain': text }, metadata: {} });
    }
    if (entry && values.length > 0) k.history.setOutput(entry, text);
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
  const errorAt = Date.now();
  ctx.reply(
    'execute_reply',
    { status: 'error', ...err, execution_count: count, payload: [], user_expressions: {} },
    replyMeta('error'),
  );
  if (stopOnError) k.abortQueuedExecutes(errorAt);
};
