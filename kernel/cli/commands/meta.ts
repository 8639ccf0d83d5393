import { Command } from 'commander';
import * as fs from 'fs';
import * as path from 'path';
import { packageRoot } from '../../shared/version';

/** The `---@meta` definition file of the host API (LuaLS annotations), shipped in the package. */
export function metaFilePath(): string {
  return path.join(packageRoot(), 'kernel', 'runtime', 'meta', 'llmspell.lua');
}

/**
 * `llmspell meta [--out DIR]`: write the host API definitions for LuaLS users (add DIR to
 * `workspace.library` in .luarc.json), or print them.
 */
export function registerMetaCommand(program: Command): void {
  program
    .command('meta')
    .description('write the host API definitions (LuaLS ---@meta file) for workspace.library, or print them')
    .option('--out <dir>', 'directory to write llmspell.lua into (created if missing)')
    .action((opts: { out?: string }) => {
      const text = fs.readFileSync(metaFilePath(), 'utf8');
      if (!opts.out) {
        process.stdout.write(text);
        return;
      }
      const dir = path.resolve(opts.out);
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, 'llmspell.lua');
      fs.writeFileSync(file, text);
      process.stdout.write(
        `wrote ${file}\nadd it to LuaLS: .luarc.json { "workspace.library": [${JSON.stringify(dir)}] }\n`,
      );
    });
}
