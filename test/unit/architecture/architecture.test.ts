import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

/**
 * Architecture invariants (docs/ARCHITECTURE.md): every production module belongs to a layer of
 * layers.json and imports only from its own layer or earlier ones (type-only imports included); no
 * run-time import cycle spans two folders (read from the compiled JavaScript, so type-only imports,
 * which TypeScript erases, do not count; modules of one folder may recurse into each other, as a
 * type engine's expression and call inference do). ESLint's llmspell/layers rule reports the same
 * layering in the editor.
 */

interface LayerSpec {
  layers: { name: string; paths: string[] }[];
}

const root = path.resolve(__dirname, '..', '..', '..', '..');
const spec = JSON.parse(readFileSync(path.join(root, 'layers.json'), 'utf8')) as LayerSpec;
const PRODUCTION = ['kernel', 'server', 'debug-adapter'];

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const ent of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${ent.name}`;
    if (ent.isDirectory()) sourceFiles(rel, out);
    else if (ent.name.endsWith('.ts') && !ent.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

function layerOf(rel: string): number {
  return spec.layers.findIndex((l) =>
    l.paths.some((p) => rel === p || rel.startsWith(p + '/') || rel === p + '.ts'),
  );
}

/** Relative import specifiers of a file (static, dynamic, type-only and require), resolved to files. */
function importsOf(rel: string): string[] {
  const text = readFileSync(path.join(root, rel), 'utf8');
  const re = /(?:from\s+|import\s*\(\s*|require\s*\(\s*|^import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;
  const out: string[] = [];
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(rel), m[1]));
    const file = [base + '.ts', base + '/index.ts', base].find((f) => existsSync(path.join(root, f)));
    if (file) out.push(file);
  }
  return out;
}

const files = PRODUCTION.flatMap((d) => sourceFiles(d));
const graph = new Map(files.map((f) => [f, importsOf(f)]));

/** The run-time dependencies of each module: the relative require() calls of its compiled JavaScript. */
function runtimeGraph(): Map<string, string[]> {
  const dist = path.join(root, 'dist');
  const g = new Map<string, string[]>();
  for (const f of files) {
    const js = path.join(dist, f.replace(/\.ts$/, '.js'));
    if (!existsSync(js)) continue;
    const text = readFileSync(js, 'utf8');
    const deps: string[] = [];
    const re = /require\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const base = path.posix.normalize(path.posix.join(path.posix.dirname(f), m[1].replace(/\.js$/, '')));
      const dep = [base + '.ts', base + '/index.ts'].find((c) => existsSync(path.join(root, c)));
      if (dep) deps.push(dep);
    }
    g.set(f, deps);
  }
  return g;
}

test('every production module belongs to a layer of layers.json', () => {
  const orphans = files.filter((f) => layerOf(f) < 0);
  assert.deepEqual(orphans, [], 'add these folders to layers.json (and docs/ARCHITECTURE.md)');
});

test('imports point only to the same or an earlier layer', () => {
  const wrong: string[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      if (layerOf(to) > layerOf(from)) {
        const [a, b] = [spec.layers[layerOf(from)].name, spec.layers[layerOf(to)].name];
        wrong.push(`${from} (${a}) -> ${to} (${b})`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});

/** Strongly connected components with more than one file (Tarjan), i.e. import cycles. */
function cycles(g: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) found.push(comp.sort());
    }
  };
  for (const v of g.keys()) if (!idx.has(v)) visit(v);
  return found;
}

test('no run-time import cycle spans two folders', () => {
  const g = runtimeGraph();
  assert.ok(g.size > 100, `compiled modules found: ${g.size}`);
  const crossing = cycles(g).filter((c) => new Set(c.map((f) => path.posix.dirname(f))).size > 1);
  assert.deepEqual(crossing, []);
});

test('the cycle finder finds a planted cycle (the check above can fail)', () => {
  const g = new Map([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a']],
    ['d', ['a']],
  ]);
  assert.deepEqual(cycles(g), [['a', 'b', 'c']]);
});
