/** Entry of the language server (issue 4). Placeholder until the server lands. */
export interface LspCliOptions {
  port?: string;
  trace?: string;
}

export async function startLanguageServerFromCli(_opts: LspCliOptions): Promise<void> {
  throw new Error('the language server is not implemented yet');
}
