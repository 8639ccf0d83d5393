import { readConnectionFile } from '../../kernel/jupyter/connection';
import type { RegistryEntry } from '../../kernel/jupyter/registry';
import { KernelClient } from '../../kernel/repl/client';
import type { RunFailure, RunOutcome, RunOutput, RunRequest, RunTarget } from './types';

/** Run code in a running kernel with the Jupyter client `llmspell repl` uses (one connection per run). */
export class KernelTarget implements RunTarget {
  constructor(readonly entry: RegistryEntry) {}

  async run(req: RunRequest, onOutput: (o: RunOutput) => void): Promise<RunOutcome> {
    const info = await readConnectionFile(this.entry.connectionFile);
    if (!info) throw new Error(`cannot read the connection file of kernel ${this.entry.id}`);
    const client = await KernelClient.connect(info, { timeoutMs: 10000, username: 'llmspell-lsp' });
    let output = '';
    const values: string[] = [];
    let error: RunFailure | undefined;
    try {
      // kernel_info until iopub delivers too, so no output of the run is missed
      await client.waitForReady(10000);
      const { reply } = await client.execute(req.code, {
        stop_on_error: false,
        idleWaitMs: 1000,
        onIopub: (m) => {
          const c = m.content;
          if (m.header.msg_type === 'stream') {
            const text = String(c.text);
            output += text;
            onOutput({ stream: c.name === 'stderr' ? 'stderr' : 'stdout', text });
          } else if (m.header.msg_type === 'execute_result') {
            const data = (c.data ?? {}) as Record<string, unknown>;
            values.push(String(data['text/plain'] ?? ''));
          } else if (m.header.msg_type === 'error') {
            error = kernelFailure(String(c.evalue ?? ''), (c.traceback as string[] | undefined) ?? []);
          }
        },
      });
      if (reply.content.status !== 'ok' && !error)
        error = kernelFailure(String(reply.content.evalue ?? reply.content.status), []);
    } finally {
      client.close();
    }
    return { ok: !error, target: 'kernel', kernelId: this.entry.id, output, values, error };
  }
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** The line of the error: the first `chunk:LINE:` in the message (the code's lines are the file's). */
function kernelFailure(evalue: string, traceback: string[]): RunFailure {
  const m = /:(\d+):/.exec(evalue);
  return {
    message: evalue,
    line: m ? Number(m[1]) : undefined,
    traceback: traceback.map((t) => t.replace(ANSI, '')),
  };
}
