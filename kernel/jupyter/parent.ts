import type { RuntimeEvent, RuntimeHandle } from '../runtime/types';
import type { KernelLogger } from './log';
import type { Outbox } from './outbox';
import type { JupyterMessage, MessageHeader } from './wire';

/** The request whose side effects (output, displays, input requests) are being produced. */
export interface ExecutionParent {
  msg: JupyterMessage;
  silent: boolean;
  allowStdin: boolean;
}

/**
 * Routes the runtime's side effects to the request that caused them, as ipykernel's
 * set_parent/get_parent do: output and displays go to IOPub with the parent's header, io.read
 * becomes an input_request to the parent's client on stdin (or fails at once when the parent
 * does not allow stdin), and an input_reply answers the pending input_request.
 */
export class ParentRouter {
  private parent: ExecutionParent | undefined;
  private pendingInput: string | undefined;
  private inputDenied = false;
  /** Display ids the current (or last) execution created. */
  readonly displayIds = new Set<string>();

  constructor(
    private readonly outbox: Outbox,
    private readonly runtime: () => RuntimeHandle,
    private readonly logger: KernelLogger,
  ) {}

  /** Make `parent` the request side effects belong to (ipykernel's set_parent). */
  setParent(parent: ExecutionParent): void {
    this.parent = parent;
    this.inputDenied = false;
    this.displayIds.clear();
  }

  /** The execution ended: side effects from now on have no parent. */
  clearParent(): void {
    this.parent = undefined;
    this.pendingInput = undefined;
  }

  /** The current parent's header, or {} when nothing runs (ipykernel's get_parent). */
  parentHeader(): Partial<MessageHeader> {
    return this.parent?.msg.header ?? {};
  }

  /** True when the last execution asked for input although its request had allow_stdin false. */
  get lastInputDenied(): boolean {
    return this.inputDenied;
  }

  /** Forget a pending input_request (interrupt, runtime crash). */
  cancelInput(): void {
    this.pendingInput = undefined;
  }

  /** Output, display, clear and input events of the runtime. Returns false for other events. */
  route(e: RuntimeEvent): boolean {
    const cur = this.parent;
    const parent = this.parentHeader();
    switch (e.type) {
      case 'output':
        if (!cur?.silent) this.outbox.publish('stream', { name: e.stream, text: e.text }, parent);
        return true;
      case 'display': {
        if (e.displayId !== undefined && !e.update) this.displayIds.add(e.displayId);
        if (cur?.silent) return true;
        const transient = e.displayId !== undefined ? { display_id: e.displayId } : {};
        this.outbox.publish(
          e.update ? 'update_display_data' : 'display_data',
          { data: e.data, metadata: e.metadata, transient },
          parent,
        );
        return true;
      }
      case 'clear':
        if (!cur?.silent) this.outbox.publish('clear_output', { wait: e.wait }, parent);
        return true;
      case 'input':
        this.onInputRequest(e.prompt, e.password);
        return true;
      default:
        return false;
    }
  }

  /** An input_reply arrived on stdin. Returns an error text when it answers nothing. */
  onInputReply(msg: JupyterMessage): string | undefined {
    if (msg.header.msg_type !== 'input_reply') return `unexpected ${msg.header.msg_type} on stdin`;
    if (this.pendingInput === undefined) return 'input_reply without a pending input_request';
    this.pendingInput = undefined;
    const value = msg.content.value;
    this.runtime().provideInput(typeof value === 'string' ? value : null);
    return undefined;
  }

  private onInputRequest(prompt: string, password: boolean): void {
    const cur = this.parent;
    if (!cur || !cur.allowStdin) {
      this.logger.info('input requested but the front end does not allow stdin');
      // io.read must fail at once with a Lua error at its line; execute names it InputError.
      this.inputDenied = true;
      this.runtime().rejectInput(
        'io.read: no input available: this front end does not accept input (allow_stdin is false)',
      );
      return;
    }
    const header = this.outbox.reply('stdin', cur.msg, 'input_request', { prompt, password });
    this.pendingInput = header.msg_id;
  }
}
