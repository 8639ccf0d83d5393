import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { z } from 'zod';

/**
 * Registry of running kernels: one JSON file per kernel in `<llmspell home>/kernels/<id>.json`
 * (llmspell home = $LLMSPELL_HOME or ~/.llmspell). `kernel status`, `kernel stop ID` and
 * `repl --kernel HOST:PORT` read it; entries whose process is gone are pruned when listed.
 */

export const registryEntrySchema = z.object({
  id: z.string().min(1),
  pid: z.number().int().positive(),
  ip: z.string(),
  ports: z.object({
    shell: z.number().int(),
    iopub: z.number().int(),
    stdin: z.number().int(),
    control: z.number().int(),
    hb: z.number().int(),
    /** HTTP control port (/health, /metrics) when the service layer runs one. */
    http: z.number().int().optional(),
    /** DAP TCP port when the debug adapter runs. */
    dap: z.number().int().optional(),
  }),
  connectionFile: z.string(),
  /** ISO-8601 start time. */
  started: z.string(),
  pidFile: z.string().optional(),
  logFile: z.string().optional(),
  version: z.string().optional(),
  /** The secret DAP clients present as `token` in attach/launch (the file is mode 0600). */
  dapToken: z.string().optional(),
});

export type RegistryEntry = z.infer<typeof registryEntrySchema>;

export function llmspellHome(): string {
  return process.env.LLMSPELL_HOME || path.join(os.homedir(), '.llmspell');
}

export function registryDir(): string {
  return path.join(llmspellHome(), 'kernels');
}

/** Where connection files go when none was given on the command line. */
export function defaultConnectionFile(id: string): string {
  return path.join(llmspellHome(), 'connections', `kernel-${id}.json`);
}

function entryFile(id: string): string {
  return path.join(registryDir(), `${id}.json`);
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function registerKernel(entry: RegistryEntry): Promise<string> {
  const file = entryFile(entry.id);
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(entry, null, 2) + '\n', { mode: 0o600 });
  await fs.rename(tmp, file);
  return file;
}

/** Merge fields into an existing entry (e.g. the HTTP port once the service layer bound it). */
export async function updateKernelEntry(id: string, patch: Partial<RegistryEntry>): Promise<void> {
  const current = await readEntry(entryFile(id));
  if (!current) return;
  await registerKernel({ ...current, ...patch, ports: { ...current.ports, ...(patch.ports ?? {}) } });
}

export async function unregisterKernel(id: string): Promise<void> {
  await fs.rm(entryFile(id), { force: true });
}

async function readEntry(file: string): Promise<RegistryEntry | undefined> {
  try {
    const parsed = registryEntrySchema.safeParse(JSON.parse(await fs.readFile(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Live kernels, newest first. Entries of dead processes (and unreadable entries) are removed. */
export async function listKernels(opts: { prune?: boolean } = {}): Promise<RegistryEntry[]> {
  const prune = opts.prune ?? true;
  let names: string[];
  try {
    names = await fs.readdir(registryDir());
  } catch {
    return [];
  }
  const out: RegistryEntry[] = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const file = path.join(registryDir(), name);
    const entry = await readEntry(file);
    if (!entry || !isProcessAlive(entry.pid)) {
      if (prune) await fs.rm(file, { force: true });
      continue;
    }
    out.push(entry);
  }
  return out.sort((a, b) => b.started.localeCompare(a.started));
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '0.0.0.0', '']);

/**
 * Find a kernel by id (or id prefix) or by HOST:PORT, where PORT is any of its ports
 * (HTTP control port, shell port, ...).
 */
export async function findKernel(spec: string): Promise<RegistryEntry | undefined> {
  const kernels = await listKernels();
  const byId = kernels.find((k) => k.id === spec) ?? kernels.find((k) => k.id.startsWith(spec));
  if (byId) return byId;
  const m = /^(.*):(\d+)$/.exec(spec) ?? /^()(\d+)$/.exec(spec);
  if (!m) return undefined;
  const host = m[1];
  const port = Number(m[2]);
  return kernels.find((k) => {
    const hostOk = LOCAL_HOSTS.has(host) ? LOCAL_HOSTS.has(k.ip) || k.ip === '127.0.0.1' : k.ip === host;
    return hostOk && Object.values(k.ports).includes(port);
  });
}
