import { randomUUID } from 'crypto';
import type { KernelSockets } from './sockets';
import {
  encodeMessage,
  type JsonObject,
  type JupyterMessage,
  makeHeader,
  type MessageHeader,
  type Signer,
} from './wire';

/**
 * Everything the kernel sends: replies to a request (shell, control, stdin) and IOPub messages,
 * signed with the connection key under the kernel's session id.
 */
export class Outbox {
  readonly session = randomUUID();
  sent = 0;

  constructor(
    private readonly sockets: KernelSockets,
    private readonly signer: Signer,
    private readonly kernelId: string,
  ) {}

  /** A message to the client that sent `req` (its identities), with `req` as parent. */
  reply(
    channel: 'shell' | 'control' | 'stdin',
    req: JupyterMessage,
    msgType: string,
    content: object,
    metadata: JsonObject = {},
  ): MessageHeader {
    const header = makeHeader(msgType, this.session);
    this.sent++;
    this.sockets.send(
      channel,
      encodeMessage(
        { identities: req.identities, header, parent_header: req.header, metadata, content },
        this.signer,
      ),
    );
    return header;
  }

  /** An IOPub message under the topic `kernel.<id>.<msg_type>` (or an explicit topic). */
  publish(
    msgType: string,
    content: object,
    parent: Partial<MessageHeader>,
    metadata: JsonObject = {},
    topic?: Buffer,
  ): void {
    this.sent++;
    this.sockets.send(
      'iopub',
      encodeMessage(
        {
          identities: [topic ?? Buffer.from(`kernel.${this.kernelId}.${msgType}`)],
          header: makeHeader(msgType, this.session),
          parent_header: parent,
          metadata,
          content,
        },
        this.signer,
      ),
    );
  }
}
