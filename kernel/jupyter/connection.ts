import { randomUUID } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';
import { z } from 'zod';

/** The five ZeroMQ channels of a Jupyter kernel. */
export const CHANNELS = ['shell', 'iopub', 'stdin', 'control', 'hb'] as const;
export type Channel = (typeof CHANNELS)[number];

/** A Jupyter connection file (the guide's "Connection File Format"). */
export const connectionInfoSchema = z.object({
  transport: z.literal('tcp').default('tcp'),
  ip: z.string().min(1).default('127.0.0.1'),
  shell_port: z.number().int().min(0).max(65535),
  iopub_port: z.number().int().min(0).max(65535),
  stdin_port: z.number().int().min(0).max(65535),
  control_port: z.number().int().min(0).max(65535),
  hb_port: z.number().int().min(0).max(65535),
  key: z.string().default(''),
  signature_scheme: z.literal('hmac-sha256').default('hmac-sha256'),
  kernel_name: z.string().optional(),
});

export type ConnectionInfo = z.infer<typeof connectionInfoSchema>;

export function portOf(info: ConnectionInfo, channel: Channel): number {
  return info[`${channel}_port`];
}

export function endpoint(info: Pick<ConnectionInfo, 'transport' | 'ip'>, port: number | '*'): string {
  return `${info.transport}://${info.ip}:${port}`;
}

/** Read an existing connection file; returns undefined when it does not exist. Throws on invalid content. */
export async function readConnectionFile(file: string): Promise<ConnectionInfo | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  if (text.trim() === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`connection file ${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const parsed = connectionInfoSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`connection file ${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** True when every port is set (Jupyter launched us with this file): bind exactly those. */
export function hasAllPorts(info: ConnectionInfo): boolean {
  return CHANNELS.every((c) => portOf(info, c) > 0);
}

export function newKey(): string {
  return randomUUID();
}

/** Write the connection file with mode 0600, in the guide's field order. */
export async function writeConnectionFile(file: string, info: ConnectionInfo): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const ordered = {
    transport: info.transport,
    ip: info.ip,
    shell_port: info.shell_port,
    iopub_port: info.iopub_port,
    stdin_port: info.stdin_port,
    control_port: info.control_port,
    hb_port: info.hb_port,
    key: info.key,
    signature_scheme: info.signature_scheme,
    kernel_name: info.kernel_name ?? 'llmspell',
  };
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(ordered, null, 2) + '\n', { mode: 0o600 });
  await fs.chmod(tmp, 0o600);
  await fs.rename(tmp, file);
}
