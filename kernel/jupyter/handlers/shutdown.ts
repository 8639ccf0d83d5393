import type { MessageHandler } from './context';

/** shutdown_request: reply, then stop. A restart is done by the client (it launches a new kernel). */
export const shutdown: MessageHandler = (ctx) => {
  const restart = ctx.msg.content.restart === true;
  ctx.reply('shutdown_reply', { status: 'ok', restart });
  ctx.kernel.requestShutdown(restart);
};
