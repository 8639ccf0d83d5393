/** What the LSP's Run commands exchange with a run target (a kernel or an embedded runtime). */

export interface RunRequest {
  code: string;
  /** absolute path of the file the code comes from (chunk name; errors point into it) */
  file: string;
  mode: 'file' | 'cell';
}

export interface RunOutput {
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface RunFailure {
  message: string;
  /** the file of the error when it is not the one run (a required module) */
  file?: string;
  /** 1-based line in `file`, when known */
  line?: number;
  traceback: string[];
}

export interface RunOutcome {
  ok: boolean;
  /** 'kernel' (with its id) or 'embedded' */
  target: 'kernel' | 'embedded';
  kernelId?: string;
  output: string;
  /** rendered result values (an expression's value, a cell's Out) */
  values: string[];
  error?: RunFailure;
}

/** Where code runs. */
export interface RunTarget {
  run(req: RunRequest, onOutput: (o: RunOutput) => void): Promise<RunOutcome>;
}
