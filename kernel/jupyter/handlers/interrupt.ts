import type { MessageHandler } from './context';

/** interrupt_request (control; kernelspec interrupt_mode "message"). */
export const interrupt: MessageHandler = (ctx) => {
  ctx.kernel.interrupt();
  ctx.reply('interrupt_reply', { status: 'ok' });
};
