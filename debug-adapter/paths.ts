/** Client path <-> runtime path translation (launch.json `pathMappings`). */
import * as path from 'path';

export interface PathMapping {
  localRoot: string;
  remoteRoot: string;
}

function under(p: string, root: string): string | undefined {
  const r = root.replace(/[\\/]+$/, '');
  if (p === r) return '';
  if (p.startsWith(r + '/') || p.startsWith(r + '\\')) return p.slice(r.length + 1);
  return undefined;
}

export class PathMapper {
  constructor(private readonly mappings: PathMapping[] = []) {}

  /** A path the client sent (localRoot side) as the runtime knows it. */
  toRuntime(clientPath: string): string {
    for (const m of this.mappings) {
      const rest = under(clientPath, m.localRoot);
      if (rest !== undefined)
        return rest
          ? path.posix.join(m.remoteRoot.replace(/\\/g, '/'), rest.replace(/\\/g, '/'))
          : m.remoteRoot;
    }
    return clientPath;
  }

  /** A runtime path (chunk name) as the client knows it. */
  toClient(runtimePath: string): string {
    for (const m of this.mappings) {
      const rest = under(runtimePath, m.remoteRoot);
      if (rest !== undefined) return rest ? path.join(m.localRoot, rest) : m.localRoot;
    }
    return runtimePath;
  }
}

/** Validate the `pathMappings` attribute from a launch/attach configuration. */
export function parsePathMappings(raw: unknown): PathMapping[] {
  if (!Array.isArray(raw)) return [];
  const out: PathMapping[] = [];
  for (const m of raw) {
    if (m && typeof m === 'object') {
      const { localRoot, remoteRoot } = m as Record<string, unknown>;
      if (typeof localRoot === 'string' && typeof remoteRoot === 'string')
        out.push({ localRoot, remoteRoot });
    }
  }
  return out;
}
