import * as path from 'path';
import { createRuntime } from '../../kernel/hostapi/factory';
import type { LuaRuntime } from '../../kernel/runtime/runtime';
import type { RunOutcome, RunOutput, RunRequest, RunTarget } from './types';

/** Run code in a fresh embedded Lua runtime, as `llmspell run FILE` does (disposed afterwards). */
export class EmbeddedTarget implements RunTarget {
  async run(req: RunRequest, onOutput: (o: RunOutput) => void): Promise<RunOutcome> {
    const dir = path.dirname(req.file);
    let rt: LuaRuntime;
    try {
      // the host API configured for the file's folder, exactly as `llmspell run FILE` there would
      rt = await createRuntime({ globals: { cwd: dir } }, { cwd: dir, packagePath: [dir], name: 'lsp' });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return { ok: false, target: 'embedded', output: '', values: [], error: { message, traceback: [] } };
    }
    let output = '';
    const off = rt.onEvent((e) => {
      if (e.type !== 'output') return;
      output += e.text;
      onOutput({ stream: e.stream, text: e.text });
    });
    try {
      const r = await rt.execute(req.code, { chunkName: req.file, mode: req.mode });
      if (r.ok) return { ok: true, target: 'embedded', output, values: r.values };
      return {
        ok: false,
        target: 'embedded',
        output,
        values: [],
        error: {
          message: r.error.message,
          line: r.error.location?.line,
          file: r.error.location && r.error.location.path !== req.file ? r.error.location.path : undefined,
          traceback: r.error.traceback,
        },
      };
    } finally {
      off();
      await rt.dispose();
    }
  }
}
