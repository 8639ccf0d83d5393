/**
 * The VM thread. Runs wasmoon (Lua 5.4 in WebAssembly) and the Lua agent (lua/agent/*.lua).
 * Lua -> JS calls are synchronous; when Lua must stop (breakpoint, step, pause, io.read) this
 * thread blocks in Atomics.wait and reads commands with receiveMessageOnPort, so it uses no CPU.
 */
import { receiveMessageOnPort, MessagePort } from 'worker_threads';
import * as fs from 'fs';
import * as path from 'path';
import { LuaMultiReturn, LUA_REGISTRYINDEX } from 'wasmoon';
import type { LuaEngine } from 'wasmoon';
import { BreakpointBook } from './breakpoints';
import { rawHostFunctions } from './lua-raw';
import { createFileHost } from './worker-files';
import { flush, out, post, postClear, postDisplay, postLog, postStopped } from './worker-output';
import type { AgentCommand, AgentHost, ToWorker, RawRunResult } from './protocol';
import { AGENT_MODULES, normalizeLuaValue } from './protocol';
import { ExecInterrupts } from './exec-interrupts';
import { takeFactory, workerInit } from './worker-init';
import { AGENT_CHUNK_NAME, BytecodeCache, loadChunk } from './bytecode';

const init = workerInit();
const port = init.port as MessagePort;
const signal = new Int32Array(init.signal);
const REG_CO = 987654321n;
const REG_ATTN = 987654322;
const REG_HOST = 987654323;

type LuaFn = (...args: unknown[]) => unknown;
interface Agent {
  run: LuaFn;
  command: LuaFn;
  complete: LuaFn;
  inspect: LuaFn;
  user_globals: LuaFn;
}

let engine: LuaEngine;
let agent: Agent;
let running = false;
/** The bytes of the chunk the next A.run loads (taken by the agent through H.source). */
let pendingSource: Uint8Array = new Uint8Array(0);
let stopped = false;
const pendingLua: AgentCommand[] = [];
const interrupts = new ExecInterrupts();
/** An interrupt command for the execution running now (others are filed or dropped by `interrupts`). */
const interruptNow = (msg: ToWorker): msg is Extract<ToWorker, { t: 'cmd' }> =>
  msg.t === 'cmd' && msg.cmd.cmd === 'interrupt' && interrupts.route(msg.cmd) === 'now';
const book = new BreakpointBook((breakpoint) =>
  post({ t: 'event', event: { type: 'breakpoint', breakpoint } }),
);
const cwd = init.options.cwd ?? process.cwd();
const { files, resolvePath, host: fileHost } = createFileHost(cwd, init.options.env);
const sessionId = `${process.pid.toString(36)}${Date.now().toString(36)}`;

// ---- blocking receive --------------------------------------------------------------------------------
/** Handle a message that needs JS-side work; returns true when it was consumed here. */
function handleHostMessage(msg: ToWorker): boolean {
  if (handleHostReply(msg)) return true;
  switch (msg.t) {
    case 'setbps': {
      const { results, commands } = book.setBreakpoints(msg.path, msg.specs, msg.owner);
      pendingLua.push(...commands);
      post({ t: 'reply', id: msg.id, result: results });
      return true;
    }
    case 'setfbps': {
      const { results, commands } = book.setFunctionBreakpoints(msg.names, msg.owner);
      pendingLua.push(...commands);
      post({ t: 'reply', id: msg.id, result: results });
      return true;
    }
    case 'bplocations': {
      post({ t: 'reply', id: msg.id, result: book.locations(msg.path, msg.line, msg.endLine) });
      return true;
    }
    case 'cmd':
      if (msg.cmd.cmd === 'interrupt' && !interrupts.take(msg.cmd)) return true;
      pendingLua.push(msg.cmd);
      return true;
    case 'input':
      return false;
    default:
      return false;
  }
}

/** Messages taken off the port while Lua ran that only the idle loop can serve (exec, complete, ...). */
const deferred: ToWorker[] = [];

/** Take every waiting message: host messages are handled now, the rest wait in `deferred`. */
function drainPort(): void {
  for (;;) {
    const m = receiveMessageOnPort(port);
    if (!m) return;
    const msg = m.message as ToWorker;
    if (!handleHostMessage(msg) && msg.t !== 'input') deferred.push(msg);
  }
}

/** Commands that end an evaluation in progress (debug console, condition, log message, inspect). */
const EVAL_ENDERS = new Set(['interrupt', 'pause', 'continue', 'step', 'terminate']);

/**
 * Polled by the agent every few thousand instructions of evaluated code. True when a command
 * arrived that must end the evaluation. Idle (no cell running) an interrupt or pause only ends
 * the evaluation; stopped, a pause is dropped (the program is already stopped); the other
 * commands stay queued for the stop loop or the running program.
 */
function abortEvaluation(): boolean {
  drainPort();
  if (!pendingLua.some((c) => EVAL_ENDERS.has(c.cmd))) return false;
  for (let i = pendingLua.length - 1; i >= 0; i--) {
    const c = pendingLua[i].cmd;
    if ((c === 'pause' && (stopped || !running)) || (c === 'interrupt' && !running)) pendingLua.splice(i, 1);
  }
  if (running && !stopped && pendingLua.length) armAttention();
  return true;
}

function nextAgentCommand(block: boolean): AgentCommand | undefined {
  for (;;) {
    if (pendingLua.length) return pendingLua.shift();
    drainPort();
    if (pendingLua.length) return pendingLua.shift();
    if (!block) return undefined;
    Atomics.wait(signal, 0, 0);
    Atomics.store(signal, 0, 0);
  }
}

function waitInput(prompt: string, password: boolean): string | undefined | LuaMultiReturn {
  flush();
  post({ t: 'event', event: { type: 'input', prompt, password } });
  for (;;) {
    const m = receiveMessageOnPort(port);
    if (m) {
      const msg = m.message as ToWorker;
      if (msg.t === 'input') {
        if (msg.error !== undefined) return LuaMultiReturn.from([undefined, msg.error]);
        return msg.text === null ? undefined : msg.text;
      }
      if (interruptNow(msg)) {
        // as for host calls: io.read raises the interrupt itself (a cell ending right after the
        // read would otherwise finish "ok" with nil)
        pendingLua.push(msg.cmd);
        armAttention();
        return LuaMultiReturn.from([undefined, 'interrupted']);
      }
      if (!handleHostMessage(msg)) deferred.push(msg);
      continue;
    }
    Atomics.wait(signal, 0, 0);
    Atomics.store(signal, 0, 0);
  }
}

// ---- host calls (Lua -> main thread, blocking) ------------------------------------------------------
interface HostCallState {
  chunks: string[];
  done?: { result?: string; error?: string };
}
const hostCalls = new Map<number, HostCallState>();
let nextHostCall = 1;

function handleHostReply(msg: ToWorker): boolean {
  if (msg.t === 'hostreply') {
    const c = hostCalls.get(msg.id);
    if (c) c.done = { result: msg.result, error: msg.error };
    return true;
  }
  if (msg.t === 'hostchunk') {
    hostCalls.get(msg.id)?.chunks.push(msg.chunk);
    return true;
  }
  return false;
}

/** Block until call `id` has a chunk or is done; an interrupt cancels it. */
function waitHost(id: number): { chunk?: string; done?: { result?: string; error?: string } } {
  flush();
  const c = hostCalls.get(id)!;
  for (;;) {
    if (c.chunks.length) return { chunk: c.chunks.shift() };
    if (c.done) return { done: c.done };
    const m = receiveMessageOnPort(port);
    if (m) {
      const msg = m.message as ToWorker;
      if (msg.t === 'cmd' && interruptNow(msg)) {
        pendingLua.push(msg.cmd);
        post({ t: 'hostcancel', id });
        c.done = { error: 'interrupted' };
        armAttention();
        continue;
      }
      if (!handleHostMessage(msg) && msg.t !== 'input') deferred.push(msg);
      continue;
    }
    Atomics.wait(signal, 0, 0);
    Atomics.store(signal, 0, 0);
  }
}

function hostStart(name: string, args: string): number {
  const id = nextHostCall++;
  hostCalls.set(id, { chunks: [] });
  post({ t: 'hostcall', id, name, args });
  return id;
}

/** After a blocking wait, commands that arrived (pause, breakpoints) need the agent's attention. */
function afterWait(): void {
  if (pendingLua.length) armAttention();
}

const host = {
  log: postLog,
  input: (prompt: string, password: boolean) => waitInput(prompt ?? '', !!password),
  stmtline: (chunkname: string, line: number) => book.isStatementLine(chunkname, line),
  display: postDisplay,
  clear: postClear,
  sessionid: () => sessionId,
  call: (name: string, args: string) => {
    const id = hostStart(name, args);
    let r: ReturnType<typeof waitHost>;
    do r = waitHost(id);
    while (!r.done);
    hostCalls.delete(id);
    afterWait();
    if (r.done.error !== undefined) return LuaMultiReturn.from([undefined, r.done.error]);
    return r.done.result ?? 'null';
  },
  stream_start: (name: string, args: string) => hostStart(name, args),
  stream_next: (id: number) => {
    const r = waitHost(id);
    afterWait();
    if (r.chunk !== undefined) return LuaMultiReturn.from([true, r.chunk]);
    hostCalls.delete(id);
    if (r.done?.error !== undefined) return LuaMultiReturn.from([undefined, r.done.error]);
    return LuaMultiReturn.from([false, r.done?.result ?? 'null']);
  },
  stopped: (...args: Parameters<typeof postStopped>) => {
    stopped = true;
    postStopped(...args);
  },
  next: () => {
    const cmd = nextAgentCommand(true);
    if (cmd && (cmd.cmd === 'continue' || cmd.cmd === 'step' || cmd.cmd === 'terminate')) {
      stopped = false;
      post({ t: 'event', event: { type: 'continued', threadId: 1 } });
    }
    return cmd;
  },
  poll: () => nextAgentCommand(false),
  abort_eval: () => abortEvaluation(),
  reply: (id: number, result: unknown, error?: string) => {
    post({ t: 'reply', id, result: normalizeLuaValue(result), error: error ?? undefined });
  },
  ...fileHost,
} satisfies AgentHost;

// ---- attention: async stop of running Lua ----------------------------------------------------------------
let hookPtr = 0;
let helperThread = 0;
let mainL = 0;

function armAttention(): void {
  const lua = engine.global.lua;
  const HL = helperThread;
  // Every thread of the resume chain (CO[2] is the program's main thread, CO[depth + 1] the
  // innermost coroutine), not only its top: a resume sets the chain's depth and top a few
  // instructions before the switch and clears them a few after it, and an attention landing in
  // that window hooked only an idle thread (or none: mainL is the host's, not the program's).
  lua.lua_rawgeti(HL, LUA_REGISTRYINDEX, REG_CO);
  lua.lua_rawgeti(HL, -1, 1n);
  const depth = Math.min(257, Number(lua.lua_tointegerx(HL, -1, null)));
  lua.lua_settop(HL, 1);
  for (let d = 1; d <= depth; d++) {
    lua.lua_rawgeti(HL, 1, BigInt(d + 1));
    const co = lua.lua_tothread(HL, -1);
    lua.lua_settop(HL, 1);
    if (co) lua.lua_sethook(co, hookPtr, 8 /* count */, 1);
  }
  lua.lua_settop(HL, 0);
  lua.lua_sethook(mainL, hookPtr, 8 /* count */, 1);
}

/** Called by the main thread through the inspector while this thread runs Lua. */
(globalThis as Record<string, unknown>).__llmspellAttention = (): number => {
  if (!running || stopped) return 0;
  armAttention();
  return 1;
};

function installHook(): void {
  const lua = engine.global.lua;
  hookPtr = lua.module.addFunction((L: number) => {
    lua.lua_sethook(L, null, 0, 0);
    lua.lua_rawgeti(L, LUA_REGISTRYINDEX, BigInt(REG_ATTN));
    lua.lua_callk(L, 0, 0, 0, null);
  }, 'vii');
}

// ---- setup ------------------------------------------------------------------------------------------------
/** The host object and the raw C functions (lua-raw.ts) as globals the agent's first chunk takes. */
function installRawHost(): void {
  const lua = engine.global.lua;
  engine.global.set('__llmspell_host', host);
  const raw = rawHostFunctions(engine, {
    files,
    resolvePath,
    out,
    prepare: (code, chunkname) => {
      const text = book.prepare(code, chunkname);
      for (const c of book.takeCommands()) agent.command(c);
      return text;
    },
    takeSource: () => {
      const s = pendingSource;
      pendingSource = new Uint8Array(0);
      return s;
    },
  });
  lua.lua_createtable(mainL, 0, 0);
  for (const [name, ptr] of Object.entries(raw)) {
    lua.lua_pushcclosure(mainL, ptr, 0);
    lua.lua_setfield(mainL, -2, name);
  }
  lua.lua_setglobal(mainL, '__llmspell_raw');
}

/** Loads the agent's Lua modules, then the host API's Lua modules; returns the agent's entry points. */
function loadAgent(): Agent {
  const lua = engine.global.lua;
  // The agent's modules share H (host functions), A (what this worker calls) and I (internals).
  // Each chunk is staged as a function from the build's bytecode when its source is unchanged
  // (bytecode.ts), else compiled from source; either way under the chunk name '=[llmspell]'.
  const cache = BytecodeCache.open();
  const stageChunk = (source: Uint8Array): void => {
    if (loadChunk(engine, mainL, AGENT_CHUNK_NAME, source, cache) !== 0) {
      const message = lua.lua_tolstring(mainL, -1, null);
      lua.lua_settop(mainL, 0);
      throw new Error(message);
    }
    lua.lua_setglobal(mainL, '__llmspell_chunk');
  };
  const loadModule = engine.doStringSync(
    `local H = __llmspell_host; __llmspell_host = nil
     for k, f in pairs(__llmspell_raw) do H[k] = f end
     __llmspell_raw = nil
     local A, I = {}, {}
     return function(finish)
       if finish then
         local reg = debug.getregistry()
         reg[${REG_CO}] = A.CO
         reg[${REG_ATTN}] = A.attention
         reg[${REG_HOST}] = A.HOST
         -- Only the entry points cross to JavaScript: wasmoon converts a returned table deeply.
         local entries = {}
         for k, v in pairs(A) do if type(v) == 'function' then entries[k] = v end end
         return entries
       end
       local chunk = __llmspell_chunk; __llmspell_chunk = nil
       chunk(H, A, I)
     end`,
  ) as (finish?: boolean) => unknown;
  for (const name of AGENT_MODULES) {
    stageChunk(fs.readFileSync(path.join(init.agentDir, `${name}.lua`)));
    loadModule();
  }
  const a = loadModule(true) as Agent;
  for (const mod of init.hostLua) {
    stageChunk(Buffer.from(mod.lua, 'utf8'));
    engine.doStringSync(
      `local chunk = __llmspell_chunk; __llmspell_chunk = nil
       chunk(debug.getregistry()[${REG_HOST}])`,
    );
  }
  return a;
}

async function setup(): Promise<void> {
  const factory = takeFactory(init.options.env as Record<string, string> | undefined);
  engine = await factory.createEngine({
    openStandardLibs: true,
    injectObjects: false,
    enableProxy: false,
    traceAllocations: init.options.memoryLimitBytes !== undefined,
  });
  if (init.options.memoryLimitBytes !== undefined) engine.global.setMemoryMax(init.options.memoryLimitBytes);
  mainL = engine.global.address;
  const lua = engine.global.lua;
  helperThread = lua.lua_newthread(mainL);
  lua.luaL_ref(mainL, LUA_REGISTRYINDEX);
  installRawHost();
  agent = loadAgent();
  (agent as unknown as { mark_builtins: LuaFn }).mark_builtins();
  const extra = init.options.packagePath ?? [];
  if (extra.length) {
    engine.global.set('__llmspell_pp', extra.map((d) => `${d}/?.lua;${d}/?/init.lua`).join(';'));
    engine.doStringSync(`package.path = __llmspell_pp .. ';' .. package.path; __llmspell_pp = nil`);
  }
  engine.doStringSync(`package.path = './?.lua;./?/init.lua;' .. package.path`);
  if (init.options.instructionLimit) {
    pendingLua.push({ cmd: 'budget', ticks: Math.max(1, Math.ceil(init.options.instructionLimit / 100000)) });
  }
  installHook();
}

function runLua(msg: Extract<ToWorker, { t: 'exec' }>): RawRunResult {
  // Apply queued commands (breakpoints set while idle, interrupts for this execution that arrived
  // before it) before running; A.run keeps an interrupt set here.
  pendingLua.push(...interrupts.begin(msg.id));
  for (let c = nextAgentCommand(false); c; c = nextAgentCommand(false)) agent.command(c);
  running = true;
  book.beginRun();
  try {
    const args = msg.args ?? [];
    pendingSource = typeof msg.code === 'string' ? Buffer.from(msg.code, 'utf8') : msg.code;
    const r = agent.run(
      undefined,
      '@' + msg.chunkName,
      msg.mode,
      args,
      args.length,
      msg.mode === 'file' ? (msg.scriptName ?? msg.chunkName) : undefined,
    );
    return normalizeLuaValue(r) as RawRunResult;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, message, traceback: [] };
  } finally {
    // An interrupt for this execution that it did not consume must not reach the next one.
    for (let i = pendingLua.length - 1; i >= 0; i--) {
      const c = pendingLua[i];
      if (c.cmd === 'interrupt' && c.exec !== undefined) pendingLua.splice(i, 1);
    }
    interrupts.end();
    running = false;
    stopped = false;
    flush();
  }
}

function onMessage(msg: ToWorker): void {
  switch (msg.t) {
    case 'exec': {
      const result = runLua(msg);
      const text = typeof msg.code === 'string' ? msg.code : Buffer.from(msg.code).toString('utf8');
      const syntaxColumn = result.syntax ? book.syntaxColumn(text) : undefined;
      post({ t: 'reply', id: msg.id, result, syntaxColumn });
      return;
    }
    case 'complete': {
      let result: unknown = [];
      if (!running) result = normalizeLuaValue(agent.complete(msg.text));
      post({ t: 'reply', id: msg.id, result });
      return;
    }
    case 'inspect': {
      const result = running ? null : normalizeLuaValue(agent.inspect(msg.expr));
      post({ t: 'reply', id: msg.id, result });
      return;
    }
    case 'globals': {
      const result = running ? [] : normalizeLuaValue(agent.user_globals());
      post({ t: 'reply', id: msg.id, result });
      return;
    }
    case 'input':
      return;
    default:
      if (handleHostMessage(msg)) {
        // Idle: apply Lua commands now (replies go out synchronously).
        // Pause and interrupt mean nothing while idle, unless an execution is already queued
        // behind this message: then they are for it (kept for runLua's first drain).
        const forNextRun: AgentCommand[] = [];
        for (let c = nextAgentCommand(false); c; c = nextAgentCommand(false)) {
          if (c.cmd === 'pause' || c.cmd === 'interrupt') forNextRun.push(c);
          else agent.command(c);
        }
        if (deferred.some((m) => m.t === 'exec')) pendingLua.push(...forNextRun);
      }
  }
}

function onIdleMessage(m: ToWorker): void {
  onMessage(m);
  while (deferred.length) onMessage(deferred.shift()!);
}

setup()
  .then(() => {
    port.on('message', (m: ToWorker) => onIdleMessage(m));
    post({ t: 'ready' });
  })
  .catch((err: unknown) => {
    post({ t: 'fatal', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  });
