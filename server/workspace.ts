import * as fs from 'fs';
import * as path from 'path';
import { rockspecModules } from './analysis/modules';

/**
 * Workspace I/O the analysis does not do itself: rockspec module mappings. (The analysis is pure;
 * the server reads files and hands it the results.)
 */

/** `build.modules` of every `*.rockspec` at a root or in its `rockspecs/` folder. */
export function readRockspecs(roots: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const root of roots) {
    for (const dir of [root, path.join(root, 'rockspecs')]) {
      let names: string[];
      try {
        names = fs.readdirSync(dir).filter((n) => n.endsWith('.rockspec'));
      } catch {
        continue;
      }
      // the newest version last, so it wins
      for (const n of names.sort()) {
        try {
          const text = fs.readFileSync(path.join(dir, n), 'utf8');
          for (const [m, p] of rockspecModules(text, root)) out.set(m, p);
        } catch {
          /* unreadable: skipped */
        }
      }
    }
  }
  return out;
}
