/**
 * Conversions between what a DAP client sends and what the runtime knows, in one place: 1-based
 * lines and columns, client paths (file paths or URIs, `pathMappings`) and runtime chunk paths,
 * source references for chunks that are not files, and DAP breakpoint ids.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import { Source } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { BreakpointResult } from '../kernel/runtime/types';
import { HandleTable } from './handles';
import { PathMapper, type PathMapping } from './paths';

export class Convert {
  private linesAt1 = true;
  private columnsAt1 = true;
  private uris = false;
  private mapper = new PathMapper();
  /** Source references live for the whole session. */
  private readonly sourceRefs = new HandleTable<string>(1);
  /** Runtime breakpoint id -> DAP breakpoint id (only this client's breakpoints). */
  private readonly bpIds = new Map<number, number>();
  private nextBpId = 1;

  /** Take the client's conventions from its initialize request. */
  initialize(args: DebugProtocol.InitializeRequestArguments): void {
    this.linesAt1 = args.linesStartAt1 !== false;
    this.columnsAt1 = args.columnsStartAt1 !== false;
    this.uris = args.pathFormat === 'uri';
  }

  /**
   * Install a launch/attach configuration's `pathMappings`. A mapping that cannot apply on this
   * machine (its remoteRoot does not exist here but its localRoot does: the kernel runs where the
   * client does) is dropped; the returned notes say so, once per mapping.
   */
  setMappings(mappings: PathMapping[]): string[] {
    const notes: string[] = [];
    const usable = mappings.filter((m) => {
      if (fs.existsSync(m.remoteRoot) || !fs.existsSync(m.localRoot)) return true;
      notes.push(
        `pathMappings: ${m.remoteRoot} does not exist on this machine but ${m.localRoot} does; ` +
          `using the client's paths under ${m.localRoot} as they are`,
      );
      return false;
    });
    this.mapper = new PathMapper(usable);
    return notes;
  }

  lineToClient(line: number): number {
    return this.linesAt1 ? line : line - 1;
  }

  lineToRuntime(line: number): number {
    return this.linesAt1 ? line : line + 1;
  }

  /** Column 1 (the runtime reports no columns) as the client counts it. */
  firstColumn(): number {
    return this.columnsAt1 ? 1 : 0;
  }

  columnToRuntime(column: number): number {
    return this.columnsAt1 ? column : column + 1;
  }

  /** A client path (file path or URI) as the runtime names the chunk. */
  pathToRuntime(clientPath: string): string {
    const p = this.uris && clientPath.startsWith('file:') ? fileURLToPath(clientPath) : clientPath;
    return this.mapper.toRuntime(p);
  }

  /** A runtime path as the client names it (a file path; a URI when the client asked for URIs). */
  pathToClient(runtimePath: string): string {
    const p = this.mapper.toClient(runtimePath);
    return this.uris ? pathToFileURL(p).href : p;
  }

  /** A runtime path as a person reads it (the client's file path, never a URI). */
  displayPath(runtimePath: string): string {
    return this.mapper.toClient(runtimePath);
  }

  /** The DAP source for a runtime path: a file, or a source reference for chunks not on disk. */
  source(runtimePath: string): DebugProtocol.Source {
    const clientPath = this.mapper.toClient(runtimePath);
    const isFile = clientPath !== runtimePath || fs.existsSync(runtimePath);
    if (isFile) return new Source(path.basename(clientPath), this.pathToClient(runtimePath));
    const ref = this.sourceRefs.add(runtimePath, runtimePath);
    return new Source(path.basename(runtimePath), runtimePath, ref, undefined, 'llmspell');
  }

  /** The runtime path of a source the client sent. */
  runtimePathOf(source: DebugProtocol.Source | undefined): string {
    if (source?.sourceReference) {
      const p = this.sourceRefs.get(source.sourceReference);
      if (p) return p;
    }
    if (!source?.path) throw new Error('the source has no path');
    return this.pathToRuntime(source.path);
  }

  /** The runtime path behind a source reference, if it is one of ours. */
  sourceRefPath(ref: number | undefined): string | undefined {
    return ref ? this.sourceRefs.get(ref) : undefined;
  }

  /** Reserve DAP ids for breakpoints the runtime will know later (set before launch/attach). */
  promiseIds(count: number): number[] {
    return Array.from({ length: count }, () => this.nextBpId++);
  }

  /** Tie a runtime breakpoint id to a DAP id promised earlier. */
  bindId(runtimeId: number, dapId: number): void {
    this.bpIds.set(runtimeId, dapId);
  }

  /** True when the runtime breakpoint belongs to this client. */
  ownsBreakpoint(runtimeId: number): boolean {
    return this.bpIds.has(runtimeId);
  }

  bpId(runtimeId: number): number {
    let id = this.bpIds.get(runtimeId);
    if (id === undefined) {
      id = this.nextBpId++;
      this.bpIds.set(runtimeId, id);
    }
    return id;
  }

  breakpoint(r: BreakpointResult): DebugProtocol.Breakpoint {
    const bp: DebugProtocol.Breakpoint = { id: this.bpId(r.id), verified: r.verified };
    if (r.path) {
      bp.line = this.lineToClient(r.line);
      bp.source = this.source(r.path);
    }
    if (r.message) bp.message = r.message;
    return bp;
  }
}
