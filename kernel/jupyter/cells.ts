import { existsSync, mkdirSync, promises as fs, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { cellPath, type CellPathScheme } from './cell-path';
import type { KernelLogger } from './log';

/** Cells whose source and label stay in memory (older ones are read back from their files). */
const MAX_CELLS_IN_MEMORY = 2000;

/**
 * Cell files: every cell runs under a stable chunk name (its path in the per-process cell
 * directory) and its text is written there, so tracebacks, the DAP server and JupyterLab's
 * debugger can show it. The file holds the cell exactly as the front end sent it; the runtime runs
 * the same lines (a `%%lua` magic line is blanked, not removed), so line numbers agree.
 */
export class CellFiles {
  /** Kernels of this process using cell files (in-process kernels share the per-process directory). */
  private static live = 0;
  private readonly sources = new Map<string, { code: string; count: number }>();
  /** Whether we created the cell directory (removed again on stop). */
  private createdDir: string | undefined;

  constructor(
    public scheme: CellPathScheme,
    private readonly logger: KernelLogger,
  ) {
    CellFiles.live++;
  }

  /** The chunk name for a cell's code; records its source and `In [n]` label, writes its file. */
  chunkName(code: string, executionCount: number): string {
    const chunk = cellPath(code, this.scheme);
    const known = this.sources.has(chunk);
    // Most recent cells last: a long-lived kernel fed distinct cells keeps a bounded map; older
    // cells keep their file (debuggers and tracebacks read it from disk).
    this.sources.delete(chunk);
    this.sources.set(chunk, { code, count: executionCount });
    while (this.sources.size > MAX_CELLS_IN_MEMORY) {
      this.sources.delete(this.sources.keys().next().value as string);
    }
    if (!known) {
      try {
        const dir = path.dirname(chunk);
        if (this.createdDir === undefined && !existsSync(dir)) this.createdDir = dir;
        mkdirSync(dir, { recursive: true });
        writeFileSync(chunk, code);
      } catch (err) {
        this.logger.debug({ chunk, err: (err as Error).message }, 'could not write the cell file');
      }
    }
    return chunk;
  }

  label(chunkName: string): string | undefined {
    const cell = this.sources.get(chunkName);
    return cell ? `In [${cell.count}]` : undefined;
  }

  source(chunkName: string): string | undefined {
    const cell = this.sources.get(chunkName);
    if (cell) return cell.code;
    if (!chunkName.startsWith(this.scheme.prefix)) return undefined;
    try {
      return readFileSync(chunkName, 'utf8');
    } catch {
      return undefined;
    }
  }

  /** Chunk names of the cells kept in memory, oldest first (the debugger's `modules`). */
  chunkNames(): string[] {
    return [...this.sources.keys()];
  }

  /**
   * Remove the cell directory when it is ours (JupyterLab's dumpCell writes there too), so no cell
   * files outlive the kernel. The last kernel of the process to stop removes it.
   */
  async removeOwnDir(): Promise<void> {
    CellFiles.live--;
    if (CellFiles.live > 0) return;
    const cellDir = path.dirname(this.scheme.prefix + 'x');
    const ours =
      this.createdDir ?? (path.basename(cellDir) === `llmspell_${process.pid}` ? cellDir : undefined);
    if (ours) await fs.rm(ours, { recursive: true, force: true }).catch(() => undefined);
  }
}
