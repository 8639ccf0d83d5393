import type { KernelServices, MessageHandler, RequestContext } from './handlers';
import type { KernelLogger } from './log';
import type { Outbox } from './outbox';
import type { JupyterMessage } from './wire';

/**
 * Run one request's handler: status busy before and idle after (on IOPub, parented to the
 * request), replies and IOPub messages through the request's context, and a handler that throws
 * answered with an error reply (never fatal: the kernel keeps serving).
 */
export async function runHandler(
  handler: MessageHandler,
  channel: 'shell' | 'control',
  msg: JupyterMessage,
  kernel: KernelServices,
  outbox: Outbox,
  logger: KernelLogger,
): Promise<void> {
  const ctx = context(channel, msg, kernel, outbox);
  outbox.publish('status', { execution_state: 'busy' }, msg.header);
  try {
    await handler(ctx);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    logger.error({ msgType: msg.header.msg_type, err: e.message, stack: e.stack }, 'handler failed');
    if (!ctx.replied && msg.header.msg_type.endsWith('_request')) {
      ctx.reply(msg.header.msg_type.replace(/_request$/, '_reply'), {
        status: 'error',
        ename: e.name || 'KernelError',
        evalue: e.message,
        traceback: [],
      });
    }
  } finally {
    outbox.publish('status', { execution_state: 'idle' }, msg.header);
  }
}

function context(
  channel: 'shell' | 'control',
  msg: JupyterMessage,
  kernel: KernelServices,
  outbox: Outbox,
): RequestContext {
  let replied = false;
  return {
    msg,
    channel,
    kernel,
    reply: (msgType, content, metadata) => {
      replied = true;
      outbox.reply(channel, msg, msgType, content, metadata);
    },
    publish: (msgType, content, metadata) => outbox.publish(msgType, content, msg.header, metadata),
    get replied() {
      return replied;
    },
  };
}
