/** Test fixtures live in the source tree (test/fixtures/<group>/), not in dist/. */
import * as path from 'path';

/** test/fixtures, found from the compiled file's place in dist/test/support. */
export const FIXTURES_ROOT = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures');

/** The path of fixture `name` in the group folder `group` (runtime, dap). */
export function fixturePath(group: string, name: string): string {
  return path.join(FIXTURES_ROOT, group, name);
}
