import type { MessageHandler } from './context';

/** connect_request (deprecated in the protocol, still sent by some clients): the kernel's ports. */
export const connect: MessageHandler = (ctx) => {
  const c = ctx.kernel.connection;
  ctx.reply('connect_reply', {
    status: 'ok',
    shell_port: c.shell_port,
    iopub_port: c.iopub_port,
    stdin_port: c.stdin_port,
    control_port: c.control_port,
    hb_port: c.hb_port,
  });
};
