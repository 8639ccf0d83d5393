import { commClose, commInfo, commMsg, commOpen } from './comm';
import { complete } from './complete';
import { connect } from './connect';
import type { MessageHandler } from './context';
import { execute } from './execute';
import { history } from './history';
import { inspect } from './inspect';
import { interrupt } from './interrupt';
import { isComplete } from './is-complete';
import { kernelInfo } from './kernel-info';
import { shutdown } from './shutdown';
import { usage } from './usage';

/** The wiring table: message type -> handler, per channel. Logic lives in the handler files. */
export const shellHandlers: Record<string, MessageHandler> = {
  kernel_info_request: kernelInfo,
  execute_request: execute,
  complete_request: complete,
  inspect_request: inspect,
  is_complete_request: isComplete,
  history_request: history,
  comm_info_request: commInfo,
  comm_open: commOpen,
  comm_msg: commMsg,
  comm_close: commClose,
  connect_request: connect,
  shutdown_request: shutdown,
};

export const controlHandlers: Record<string, MessageHandler> = {
  kernel_info_request: kernelInfo,
  interrupt_request: interrupt,
  shutdown_request: shutdown,
  usage_request: usage,
};

export type { MessageHandler, RequestContext, KernelServices } from './context';
