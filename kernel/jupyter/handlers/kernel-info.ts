import type { MessageHandler } from './context';

/** kernel_info_request (shell and control). */
export const kernelInfo: MessageHandler = (ctx) => {
  ctx.reply('kernel_info_reply', ctx.kernel.kernelInfo());
};
