/** Kernels started by tests: their registry entries under LLMSPELL_HOME. */
import * as fs from 'fs';
import * as path from 'path';
import { waitForValue } from './wait';

/**
 * The first kernel registry entry (`<home>/kernels/<id>.json`) once it exists and parses (a file
 * being written is read again), optionally once `ready(entry)` holds (its DAP port is known).
 */
export function registryEntry<T>(home: string, ready: (entry: T) => boolean = () => true): Promise<T> {
  const dir = path.join(home, 'kernels');
  return waitForValue(() => {
    const file = fs.existsSync(dir) ? fs.readdirSync(dir).find((n) => n.endsWith('.json')) : undefined;
    if (!file) return undefined;
    try {
      const entry = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as T;
      return ready(entry) ? entry : undefined;
    } catch {
      return undefined; // being written
    }
  }, `a kernel registry entry in ${dir}`);
}
