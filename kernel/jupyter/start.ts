import type { KernelStartFlags } from '../cli/commands/kernel';

/** Entry of `llmspell kernel start` without --lsp (issue 3). Placeholder until the kernel lands. */
export async function startKernelFromCli(
  _flags: KernelStartFlags,
  _globals: { profile?: string; config?: string; trace?: string },
): Promise<void> {
  throw new Error('the Jupyter kernel is not implemented yet');
}
