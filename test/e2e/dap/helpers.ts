/** Shared helpers for the DAP e2e tests: a real DebugClient over TCP against startDapServer. */
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { startDapServer, type DapServer } from '../../../debug-adapter/server';
import { LuaRuntime } from '../../../kernel/runtime/runtime';
import type { RuntimeHandle } from '../../../kernel/runtime/types';
import { waitFor } from '../../support/wait';
import { fixturePath } from '../../support/fixtures';

export const FIXTURES = fixturePath('dap', '');
export const fixture = (name: string): string => fixturePath('dap', name);

export const TIMEOUT = 8000;
/** Per-test limit so a stuck test fails instead of hanging the run. */
export const T = { timeout: 30000 };

/** Race a promise against a timer (DebugClient disables its own timeouts in TCP mode). */
export function within<T>(p: Promise<T>, label: string, ms = TIMEOUT): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${label}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export interface Harness {
  server: DapServer;
  dc: DebugClient;
  /** Register a wait for an event before the request that triggers it. */
  wait<T extends DebugProtocol.Event>(event: string, label?: string): Promise<T>;
  /** Collect every output event from now on. */
  outputs(): string[];
  close(): Promise<void>;
}

/**
 * A DebugClient that presents `token` (the server's DAP secret) in its initialize, attach and
 * launch arguments, as editors do (see debug-adapter/auth.ts).
 */
export function withToken(dc: DebugClient, token: string | undefined): DebugClient {
  if (!token) return dc;
  type Send = (command: string, args?: unknown) => Promise<DebugProtocol.Response>;
  const send = dc.send.bind(dc) as Send;
  const withTok: Send = (command, args) =>
    send(
      command,
      ['initialize', 'attach', 'launch'].includes(command) ? { ...(args as object), token } : args,
    );
  (dc as unknown as { send: Send }).send = withTok;
  return dc;
}

/** A new, not yet started client for `server` that authenticates itself. */
export function client(server: DapServer): DebugClient {
  return withToken(new DebugClient('node', 'unused', 'llmspell'), server.token);
}

export async function connect(server: DapServer): Promise<DebugClient> {
  const dc = client(server);
  dc.defaultTimeout = TIMEOUT;
  await within(dc.start(server.port), 'connect');
  return dc;
}

/** A client attached to the server's shared runtime: connect, initialize, attach, initialized. */
export async function attachClient(server: DapServer): Promise<{ dc: DebugClient; wait: Harness['wait'] }> {
  const dc = client(server);
  await within(dc.start(server.port), 'connect');
  const wait: Harness['wait'] = (e) => within(dc.waitForEvent(e, 86400000), e) as never;
  const initialized = wait('initialized');
  await within(dc.initializeRequest({ adapterID: 'llmspell', pathFormat: 'path' }), 'initialize');
  await within(dc.attachRequest({} as DebugProtocol.AttachRequestArguments), 'attach');
  await initialized;
  return { dc, wait };
}

/**
 * A runtime as the kernel has one, with a DAP server on a free port attached to it (clients
 * `attach`); both are closed after `body`, whether it passed or failed.
 */
export async function withKernelDap<R>(
  body: (rt: LuaRuntime, server: DapServer) => Promise<R>,
  opts: { authToken?: string } = {},
): Promise<R> {
  const rt = await LuaRuntime.create({ name: 'kernel' });
  let server: DapServer | undefined;
  try {
    server = await startDapServer({ port: 0, host: '127.0.0.1', attachRuntime: rt, ...opts });
    return await body(rt, server);
  } finally {
    await server?.close();
    await rt.dispose();
  }
}

/** attachClient, then configurationDone: the client is ready and nothing is stopped yet. */
export async function attachedClient(server: DapServer): Promise<{ dc: DebugClient; wait: Harness['wait'] }> {
  const a = await attachClient(server);
  await within(a.dc.configurationDoneRequest(), 'configurationDone');
  return a;
}

export async function harness(attachRuntime?: RuntimeHandle): Promise<Harness> {
  const server = await startDapServer({
    port: 0,
    host: '127.0.0.1',
    attachRuntime,
    log: process.env.LLMSPELL_DAP_LOG ? (m) => process.stderr.write(m + '\n') : undefined,
  });
  const dc = await connect(server);
  const out: string[] = [];
  dc.on('output', (e: DebugProtocol.OutputEvent) => out.push(e.body.output));
  return {
    server,
    dc,
    wait: <T extends DebugProtocol.Event>(event: string, label?: string) =>
      within(dc.waitForEvent(event, 24 * 3600 * 1000) as Promise<T>, label ?? event),
    outputs: () => out,
    close: async () => {
      await within(dc.stop(), 'client stop', 3000).catch(() => undefined);
      await within(server.close(), 'server close', 5000);
    },
  };
}

/** Wait until the collected output contains `text`. */
export async function waitOutput(h: Harness, text: string, ms = TIMEOUT): Promise<string> {
  try {
    await waitFor(() => h.outputs().join('').includes(text), `output ${JSON.stringify(text)}`, ms);
  } catch {
    throw new Error(
      `output never contained ${JSON.stringify(text)}; got ${JSON.stringify(h.outputs().join(''))}`,
    );
  }
  return h.outputs().join('');
}

export interface LaunchOptions {
  program: string;
  breakpoints?: DebugProtocol.SourceBreakpoint[];
  functionBreakpoints?: string[];
  exceptionFilters?: string[];
  stopOnEntry?: boolean;
  args?: string[];
  env?: Record<string, string>;
}

/**
 * The VS Code order: initialize, launch (before initialized is handled), setBreakpoints,
 * setExceptionBreakpoints, configurationDone. Returns the first stopped event when `expectStop`.
 */
export async function launch(
  h: Harness,
  o: LaunchOptions,
  expectStop = true,
): Promise<DebugProtocol.StoppedEvent | undefined> {
  const initialized = h.wait('initialized');
  const stopped = expectStop ? h.wait<DebugProtocol.StoppedEvent>('stopped') : undefined;
  await within(
    h.dc.initializeRequest({
      adapterID: 'llmspell',
      linesStartAt1: true,
      columnsStartAt1: true,
      pathFormat: 'path',
    }),
    'initialize',
  );
  const launched = h.dc.launchRequest({
    program: o.program,
    stopOnEntry: o.stopOnEntry,
    args: o.args,
    env: o.env,
  } as DebugProtocol.LaunchRequestArguments);
  await initialized;
  if (o.breakpoints) {
    await within(
      h.dc.setBreakpointsRequest({ source: { path: o.program }, breakpoints: o.breakpoints }),
      'setBreakpoints',
    );
  }
  if (o.functionBreakpoints) {
    await within(
      h.dc.setFunctionBreakpointsRequest({ breakpoints: o.functionBreakpoints.map((name) => ({ name })) }),
      'setFunctionBreakpoints',
    );
  }
  await within(
    h.dc.setExceptionBreakpointsRequest({ filters: o.exceptionFilters ?? [] }),
    'setExceptionBreakpoints',
  );
  await within(h.dc.configurationDoneRequest(), 'configurationDone');
  await within(launched, 'launch');
  return stopped ? await stopped : undefined;
}

export async function topFrame(h: Harness, threadId = 1): Promise<DebugProtocol.StackFrame> {
  const st = await within(h.dc.stackTraceRequest({ threadId }), 'stackTrace');
  return st.body.stackFrames[0];
}

export async function stack(h: Harness, threadId = 1): Promise<DebugProtocol.StackFrame[]> {
  const st = await within(h.dc.stackTraceRequest({ threadId }), 'stackTrace');
  return st.body.stackFrames;
}

/** Do a step/continue request and wait for the next stop. */
export async function stepAndStop(
  h: Harness,
  req: 'next' | 'stepIn' | 'stepOut' | 'continue',
  threadId = 1,
): Promise<DebugProtocol.StoppedEvent> {
  const stopped = h.wait<DebugProtocol.StoppedEvent>('stopped', `stopped after ${req}`);
  if (req === 'next') await within(h.dc.nextRequest({ threadId }), req);
  else if (req === 'stepIn') await within(h.dc.stepInRequest({ threadId }), req);
  else if (req === 'stepOut') await within(h.dc.stepOutRequest({ threadId }), req);
  else await within(h.dc.continueRequest({ threadId }), req);
  return stopped;
}

export async function variables(
  h: Harness,
  frameId: number,
  scope = 'Locals',
): Promise<DebugProtocol.Variable[]> {
  const scopes = await within(h.dc.scopesRequest({ frameId }), 'scopes');
  const s = scopes.body.scopes.find((x) => x.name === scope);
  if (!s) throw new Error(`no scope ${scope}`);
  const vars = await within(h.dc.variablesRequest({ variablesReference: s.variablesReference }), 'variables');
  return vars.body.variables;
}

export async function repl(h: Harness, expression: string, frameId?: number): Promise<string> {
  const r = await within(
    h.dc.evaluateRequest({ expression, context: 'repl', frameId }),
    `evaluate ${expression}`,
  );
  return r.body.result;
}

/** Continue (through any further stops) until the program ends; returns how many extra stops happened. */
export async function runToEnd(h: Harness, maxStops = 50): Promise<number> {
  let ended = false;
  const terminated = h.wait('terminated').then(() => {
    ended = true;
  });
  let stops = 0;
  const onStop = (): void => {
    stops++;
    if (stops <= maxStops) void h.dc.continueRequest({ threadId: 1 }).catch(() => undefined);
  };
  h.dc.on('stopped', onStop);
  try {
    await within(h.dc.continueRequest({ threadId: 1 }), 'continue');
    await terminated;
  } finally {
    h.dc.removeListener('stopped', onStop);
  }
  return ended ? stops : -1;
}
