import js from '@eslint/js';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';

const root = path.dirname(fileURLToPath(import.meta.url));
const layerSpec = JSON.parse(readFileSync(path.join(root, 'layers.json'), 'utf8'));

/** Index of the layer that holds a repository-relative path, or -1 (test/, bench/, ...). */
function layerOf(rel) {
  return layerSpec.layers.findIndex((l) =>
    l.paths.some((p) => rel === p || rel.startsWith(p + '/') || rel === p + '.ts'),
  );
}

/** `llmspell/layers`: imports point only to the same or an earlier layer of layers.json. */
const layersRule = {
  meta: { type: 'problem', schema: [] },
  create(context) {
    const file = path.relative(root, context.filename).split(path.sep).join('/');
    const from = layerOf(file);
    const pure = Object.entries(layerSpec.pure).find(([dir]) => file.startsWith(dir + '/'));
    function check(node, spec) {
      if (typeof spec !== 'string') return;
      if (pure && !pure[0].startsWith('$') && pure[1].includes(spec))
        context.report({ node, message: `${pure[0]} must stay pure: no import of '${spec}' (layers.json)` });
      if (from < 0 || !spec.startsWith('.')) return;
      const target = path
        .relative(root, path.resolve(path.dirname(context.filename), spec))
        .split(path.sep)
        .join('/');
      const to = layerOf(target);
      if (to > from)
        context.report({
          node,
          message: `layer '${layerSpec.layers[from].name}' may not import '${target}' of the later layer '${layerSpec.layers[to].name}' (layers.json)`,
        });
    }
    return {
      ImportDeclaration: (n) => check(n, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n, n.source.value),
      ExportAllDeclaration: (n) => check(n, n.source.value),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n, n.source.value),
      TSImportType: (n) => check(n, n.argument?.literal?.value ?? n.argument?.value),
      CallExpression: (n) =>
        n.callee.type === 'Identifier' &&
        n.callee.name === 'require' &&
        n.arguments[0]?.type === 'Literal' &&
        check(n, n.arguments[0].value),
    };
  },
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'clients/vscode/node_modules/**',
      'clients/vscode/dist/**',
      'clients/vscode/scripts/**',
      'test/run.js',
      'test/setup.js',
      'test/setup-nvim.js',
      'bin/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['server/**/*.ts', 'debug-adapter/**/*.ts', 'kernel/**/*.ts'],
    plugins: { llmspell: { rules: { layers: layersRule } } },
    rules: { 'no-console': 'error', 'llmspell/layers': 'error' },
  },
);
