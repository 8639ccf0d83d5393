import type {
  CompletionResult,
  DebuggerApi,
  ExecOptions,
  ExecResult,
  InspectResult,
  RuntimeEvent,
  RuntimeHandle,
} from '../../../kernel/runtime/types';

/**
 * A scripted stand-in for the Lua runtime, for protocol tests that must not depend on Lua:
 * `print:TEXT` writes TEXT, `err:MSG` fails, `value:V` returns V, `input:PROMPT` asks for input
 * and returns the answer, `spin` runs until interrupted, `display:MIME:DATA` displays,
 * `crash:MSG` emits a `crashed` event (the Lua worker died) and never finishes.
 */
export class FakeRuntime implements RuntimeHandle {
  readonly executed: Array<{ code: string; opts: ExecOptions }> = [];
  private readonly listeners = new Set<(e: RuntimeEvent) => void>();
  private busy = false;
  /** True after a `crash:` cell. */
  crashed = false;
  disposed = false;
  private interruptFn: (() => void) | undefined;
  private inputFn: ((text: string | null) => void) | undefined;

  get debugger(): DebuggerApi {
    throw new Error('no debugger in the fake runtime');
  }

  private emit(e: RuntimeEvent): void {
    for (const l of this.listeners) l(e);
  }

  async execute(code: string, opts: ExecOptions): Promise<ExecResult> {
    this.executed.push({ code, opts });
    this.busy = true;
    try {
      return await this.run(code);
    } finally {
      this.busy = false;
    }
  }

  private async run(code: string): Promise<ExecResult> {
    const [cmd, ...rest] = code.split(':');
    const arg = rest.join(':');
    switch (cmd) {
      case 'print':
        this.emit({ type: 'output', stream: 'stdout', text: arg + '\n' });
        return { ok: true, values: [] };
      case 'value':
        return { ok: true, values: [arg] };
      case 'err':
        return { ok: false, error: { ename: 'LuaError', message: arg, traceback: [] } };
      case 'display':
        this.emit({
          type: 'display',
          data: { [rest[0]]: rest.slice(1).join(':') },
          metadata: {},
          update: false,
        });
        return { ok: true, values: [] };
      case 'input': {
        const answer = await new Promise<string | null>((resolve) => {
          this.inputFn = resolve;
          this.interruptFn = () => resolve(null);
          this.emit({ type: 'input', prompt: arg, password: false });
        });
        return answer === null
          ? { ok: false, error: { ename: 'InputError', message: 'no input', traceback: [] } }
          : { ok: true, values: [answer] };
      }
      case 'crash':
        this.crashed = true;
        this.emit({ type: 'crashed', message: arg || 'wasm abort' });
        return new Promise<ExecResult>(() => undefined);
      case 'spin':
        await new Promise<void>((resolve) => (this.interruptFn = resolve));
        return { ok: false, error: { ename: 'Interrupted', message: 'interrupted', traceback: [] } };
      default:
        return { ok: true, values: [] };
    }
  }

  interrupt(): void {
    const f = this.interruptFn;
    this.interruptFn = undefined;
    f?.();
  }

  rejectInput(_message: string): void {
    const f = this.inputFn;
    this.inputFn = undefined;
    f?.(null);
  }

  provideInput(text: string | null): void {
    const f = this.inputFn;
    this.inputFn = undefined;
    f?.(text);
  }

  onEvent(listener: (event: RuntimeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  isBusy(): boolean {
    return this.busy;
  }

  async complete(prefix: string): Promise<CompletionResult> {
    const all = ['print', 'pairs', 'string.format', 'string.find', 'myGlobal'];
    return { matches: all.filter((n) => n.startsWith(prefix)) };
  }

  async inspect(expression: string): Promise<InspectResult> {
    return expression === 'myGlobal'
      ? { found: true, text: '42', type: 'number' }
      : { found: false, text: '', type: 'nil' };
  }

  async globals(): Promise<string[]> {
    return ['myGlobal'];
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.listeners.clear();
  }
}
