import { checkComplete } from '../lua-syntax';
import { field, isString, type MessageHandler } from './context';

/** is_complete_request: complete / incomplete (with indent) / invalid, decided by luaparse. */
export const isComplete: MessageHandler = (ctx) => {
  const code = field(ctx.msg.content, 'code', isString, '');
  const result = checkComplete(code);
  ctx.reply('is_complete_reply', result);
};
