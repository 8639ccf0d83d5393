import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LuaMultiReturn } from 'wasmoon';
import { errnoReason, type OpenFile } from './lua-raw';
import type { AgentHost } from './protocol';

/** The agent host's file-system calls (io.open/seek/close, package.searchpath, os.getenv/tmpname/remove/rename). */
export type FileHostCalls = Pick<
  AgentHost,
  'fopen' | 'fseek' | 'fclose' | 'abspath' | 'searchpath' | 'getenv' | 'tmpname' | 'remove' | 'rename'
>;

/**
 * The worker's open files and the host calls that use the file system, relative to `cwd` (the
 * runtime's working directory) and `env` (the runtime's environment, else the process's). Errors
 * come back as Lua's `nil, "path: reason", errno` triples.
 */
export function createFileHost(
  cwd: string,
  env: NodeJS.ProcessEnv | undefined,
): { files: Map<number, OpenFile>; resolvePath: (p: string) => string; host: FileHostCalls } {
  const files = new Map<number, OpenFile>();
  let nextFile = 3;
  const resolvePath = (p: string): string => path.resolve(cwd, p);
  const errnoResult = (err: unknown, p: string): LuaMultiReturn => {
    const e = err as NodeJS.ErrnoException;
    return LuaMultiReturn.from([
      undefined,
      `${p}: ${errnoReason(err)}`,
      typeof e.errno === 'number' ? -e.errno : 1,
    ]);
  };
  const host = {
    fopen: (p: string, mode: string) => {
      const flags = mode.replace('b', '');
      try {
        const fd = fs.openSync(resolvePath(p), flags);
        const id = nextFile++;
        files.set(id, { fd, pos: 0, append: flags.startsWith('a') });
        return id;
      } catch (err) {
        return errnoResult(err, p);
      }
    },
    fseek: (id: number, whence: string, offset: number) => {
      const f = files.get(id);
      if (!f) return LuaMultiReturn.from([undefined, 'file is closed']);
      if (whence === 'set') f.pos = offset;
      else if (whence === 'cur') f.pos += offset;
      else if (whence === 'end') f.pos = fs.fstatSync(f.fd).size + offset;
      else
        return LuaMultiReturn.from([
          undefined,
          "bad argument #1 to 'seek' (invalid option '" + whence + "')",
        ]);
      if (f.pos < 0) f.pos = 0;
      return f.pos;
    },
    fclose: (id: number) => {
      const f = files.get(id);
      if (f) {
        fs.closeSync(f.fd);
        files.delete(id);
      }
    },
    abspath: (p: string) => resolvePath(p),
    searchpath: (name: string, template: string, sep?: string, rep?: string) => {
      // As Lua's package.searchpath: '?' becomes the name, every template (empty ones too) is tried.
      const n = sep === '' ? name : name.split(sep ?? '.').join(rep ?? '/');
      const path = template.split('?').join(n);
      for (const candidate of path.split(';')) {
        if (candidate === '') continue; // fopen("") fails
        try {
          fs.closeSync(fs.openSync(resolvePath(candidate), 'r'));
          return candidate;
        } catch {
          // not readable: try the next one
        }
      }
      return LuaMultiReturn.from([undefined, `no file '${path.split(';').join("'\n\tno file '")}'`]);
    },
    getenv: (k: string) => (env ?? process.env)[k] ?? undefined,
    tmpname: () => path.join(os.tmpdir(), `lua_${process.pid}_${Math.random().toString(36).slice(2)}`),
    remove: (p: string) => {
      try {
        const abs = resolvePath(p);
        if (fs.statSync(abs).isDirectory()) fs.rmdirSync(abs);
        else fs.unlinkSync(abs);
        return true;
      } catch (err) {
        return errnoResult(err, p);
      }
    },
    rename: (a: string, b: string) => {
      try {
        fs.renameSync(resolvePath(a), resolvePath(b));
        return true;
      } catch (err) {
        return errnoResult(err, a);
      }
    },
  } satisfies FileHostCalls;
  return { files, resolvePath, host };
}
