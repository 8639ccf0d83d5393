import type { CommSender } from '../comms';
import type { JsonObject } from '../wire';
import { field, isObject, isString, type MessageHandler, type RequestContext } from './context';

function sender(ctx: RequestContext, id: string): CommSender & { id: string } {
  return {
    id,
    send: (data: JsonObject, metadata: JsonObject = {}) =>
      ctx.publish('comm_msg', { comm_id: id, data }, metadata),
    close: (data: JsonObject = {}) => {
      ctx.kernel.comms.remove(id);
      ctx.publish('comm_close', { comm_id: id, data });
    },
  };
}

/** comm_info_request: open comms, optionally filtered by target_name. */
export const commInfo: MessageHandler = (ctx) => {
  const target = field(ctx.msg.content, 'target_name', isString, '');
  ctx.reply('comm_info_reply', { status: 'ok', comms: ctx.kernel.comms.info(target || undefined) });
};

/** comm_open: known targets get the comm; unknown targets are closed at once (as ipykernel does). */
export const commOpen: MessageHandler = (ctx) => {
  const id = field(ctx.msg.content, 'comm_id', isString, '');
  const targetName = field(ctx.msg.content, 'target_name', isString, '');
  const data = field(ctx.msg.content, 'data', isObject, {});
  if (!id) return;
  const target = ctx.kernel.comms.target(targetName);
  if (!target) {
    ctx.kernel.logger.warn({ targetName, commId: id }, 'comm_open for unknown target; closing it');
    ctx.publish('comm_close', { comm_id: id, data: {} });
    return;
  }
  ctx.kernel.comms.add({ id, targetName });
  target.open(sender(ctx, id), data);
};

export const commMsg: MessageHandler = (ctx) => {
  const id = field(ctx.msg.content, 'comm_id', isString, '');
  const comm = ctx.kernel.comms.get(id);
  if (!comm) {
    ctx.kernel.logger.debug({ commId: id }, 'comm_msg for unknown comm dropped');
    return;
  }
  ctx.kernel.comms
    .target(comm.targetName)
    ?.message?.(sender(ctx, id), field(ctx.msg.content, 'data', isObject, {}));
};

export const commClose: MessageHandler = (ctx) => {
  const id = field(ctx.msg.content, 'comm_id', isString, '');
  const comm = ctx.kernel.comms.get(id);
  if (!comm) return;
  ctx.kernel.comms.remove(id);
  ctx.kernel.comms
    .target(comm.targetName)
    ?.close?.(sender(ctx, id), field(ctx.msg.content, 'data', isObject, {}));
};
