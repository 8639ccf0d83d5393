/**
 * Breakpoint bookkeeping inside the VM worker: which sources are loaded, where breakpoints resolve
 * (validated against the AST), which lines got probes when a chunk was loaded, and the commands
 * that update the Lua agent's tables.
 */
import * as fs from 'fs';
import { LuaMultiReturn } from 'wasmoon';
import type { BreakpointResult, BreakpointSpec } from './types';
import type { AgentCommand, ReliveFunction } from './protocol';
import {
  instrument,
  instrumentFunction,
  parseChunk,
  LuaSyntaxErrorException,
  resolveBreakpointLine,
  GENERIC_PROBE,
} from './syntax';
import type { ParsedChunk, LuaSyntaxError, ProbeCall } from './syntax';
import { GuardRegistry } from './probe-guard';

interface SourceRecord {
  parsed?: ParsedChunk;
  /** The text last loaded under this path (cells and load() chunks have no file). */
  text?: string;
  error?: LuaSyntaxError;
  /** Lines that have a probe in all of this source's live code (undefined: never loaded). */
  probedAll?: ReadonlySet<number>;
  /** Lines that have a probe in some of its live code (loads and re-instrumented functions). */
  probedAny?: ReadonlySet<number>;
  /** The probe method each probed line got in the latest load or re-instrumentation. */
  probeMethods?: ReadonlyMap<number, string>;
}

interface StoredBreakpoint {
  spec: BreakpointSpec;
  result: BreakpointResult;
  hitop?: string;
  hitn?: number;
}

export function parseHitCondition(text: string | undefined): { op?: string; n?: number; error?: string } {
  if (text === undefined || text.trim() === '') return {};
  const m = /^\s*(>=|<=|==|>|<|%)?\s*(\d+)\s*$/.exec(text);
  if (!m) return { error: `invalid hit condition '${text}' (use e.g. '>= 3', '% 2', '== 5' or a number)` };
  return { op: m[1] ?? '>=', n: Number(m[2]) };
}

const MAX_PARSED_SOURCES = 256;
const NO_LINES: ReadonlySet<number> = new Set<number>();

/** Called when a breakpoint's verification or line changes after it was set (e.g. its code loaded). */
export type BreakpointChanged = (result: BreakpointResult) => void;

export class BreakpointBook {
  constructor(private readonly onChange: BreakpointChanged = () => undefined) {}

  /** Agent commands a load produced (breakpoints that resolved differently against the loaded code). */
  private queued: AgentCommand[] = [];

  /** Take the agent commands the last prepare() produced; run them before the chunk runs. */
  takeCommands(): AgentCommand[] {
    const q = this.queued;
    this.queued = [];
    return q;
  }

  private readonly sources = new Map<string, SourceRecord>();
  /** Paths whose parsed AST summary is kept, oldest first (a long-lived kernel sees many cells). */
  private readonly parsedLru = new Map<string, true>();
  private readonly lineBps = new Map<string, Map<string, StoredBreakpoint[]>>();
  private funcBps = new Map<string, Array<{ name: string; result: BreakpointResult }>>();
  private readonly ids = new Map<string, number>();
  private nextId = 1;
  private readonly guards = new GuardRegistry();

  beginRun(): void {
    // Nothing yet: hook point for per-run state.
  }

  /** The column luaparse reports for a syntax error in `code` (computed only when Lua refused it). */
  syntaxColumn(code: string): number | undefined {
    try {
      parseChunk(code);
      return undefined;
    } catch (err) {
      return err instanceof LuaSyntaxErrorException ? err.info.column : undefined;
    }
  }

  private hasBreakpointsFor(path: string): boolean {
    for (const list of this.lineBps.get(path)?.values() ?? []) if (list.length) return true;
    for (const list of this.funcBps.values()) if (list.length) return true;
    return false;
  }

  private idFor(key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(key, id);
    }
    return id;
  }

  private parsedFor(path: string): SourceRecord {
    const rec = this.sources.get(path);
    if (rec?.parsed || rec?.error) return rec;
    const fresh: SourceRecord = rec ?? {};
    try {
      const text = fresh.text ?? fs.readFileSync(path, 'utf8');
      fresh.parsed = parseChunk(text);
    } catch (err) {
      if (err instanceof LuaSyntaxErrorException) fresh.error = err.info;
    }
    this.sources.set(path, fresh);
    if (fresh.parsed) this.touchParsed(path);
    return fresh;
  }

  /** Union of every owner's breakpoints for a path, one per resolved line. */
  private union(path: string): Map<number, StoredBreakpoint> {
    const byLine = new Map<number, StoredBreakpoint>();
    for (const list of this.lineBps.get(path)?.values() ?? []) {
      for (const bp of list) {
        if (bp.result.verified && !byLine.has(bp.result.line)) byLine.set(bp.result.line, bp);
      }
    }
    return byLine;
  }

  private functionLines(path: string, parsed: ParsedChunk | undefined, report = false): Map<number, number> {
    const lines = new Map<number, number>();
    if (!parsed) return lines;
    for (const list of this.funcBps.values()) {
      for (const fb of list) {
        for (const [name, line] of parsed.functions) {
          if (name === fb.name || name.endsWith('.' + fb.name) || name.endsWith(':' + fb.name)) {
            lines.set(line, fb.result.id);
            const changed = !fb.result.verified || fb.result.line !== line || fb.result.path !== path;
            fb.result.verified = true;
            fb.result.line = line;
            fb.result.path = path;
            fb.result.message = undefined;
            if (report && changed) this.onChange({ ...fb.result });
          }
        }
      }
    }
    return lines;
  }

  /** Called by Lua (H.prepare) for every chunk it loads: returns the text to load (instrumented). */
  prepare(code: string, chunkname: string): LuaMultiReturn | string {
    if (!chunkname.startsWith('@')) return code;
    const path = chunkname.slice(1);
    if (!this.hasBreakpointsFor(path)) {
      // Fast path (every cell and file without breakpoints): no parse, nothing inserted. The load
      // is recorded so breakpoints set later know this code has no probes (they go "late").
      const prior = this.sources.get(path);
      const any = prior?.probedAny ?? NO_LINES;
      this.sources.set(path, {
        probedAll: NO_LINES,
        probedAny: any,
        parsed: undefined,
        error: undefined,
        text: code,
      });
      if (prior?.parsed) this.parsedLru.delete(path);
      return code;
    }
    let parsed: ParsedChunk;
    try {
      parsed = parseChunk(code);
    } catch {
      return code;
    }
    const prior = this.sources.get(path);
    const rec: SourceRecord = {
      parsed,
      probedAll: prior?.probedAll,
      probedAny: prior?.probedAny,
      text: code,
    };
    // Re-resolve this path's breakpoints against the code actually loaded; tell clients of changes.
    const owners = this.lineBps.get(path);
    let changed = false;
    if (owners) {
      for (const list of owners.values())
        for (const bp of list) {
          const before = { ...bp.result };
          this.resolveInto(bp, parsed, path);
          if (before.verified !== bp.result.verified || before.line !== bp.result.line) {
            changed = true;
            this.onChange({ ...bp.result });
          }
        }
    }
    const lines = new Set<number>(this.union(path).keys());
    const fl = this.functionLines(path, parsed, true);
    for (const l of fl.keys()) lines.add(l);
    const probed = rec.probedAll ? [...rec.probedAll].filter((l) => lines.has(l)) : [...lines];
    rec.probedAll = probed.length ? new Set(probed) : NO_LINES;
    rec.probedAny = new Set([...(rec.probedAny ?? []), ...lines]);
    this.sources.set(path, rec);
    this.touchParsed(path);
    if (changed) this.queued.push(...this.commandsFor(path));
    const calls = this.probeCalls(path, code, parsed, lines, fl, this.queued);
    rec.probeMethods = methodsOf(lines, calls);
    const text = instrument(code, parsed, lines, chunkname, calls);
    if (fl.size === 0) return text;
    const fmap: Record<string, number> = {};
    for (const [line, id] of fl) fmap[String(line)] = id;
    return LuaMultiReturn.from([text, fmap]);
  }

  /**
   * Keep the parsed summaries of the most recently used sources only; older records keep just the
   * set of probed lines (what late breakpoints need) and are parsed again from disk when needed.
   */
  private touchParsed(path: string): void {
    this.parsedLru.delete(path);
    this.parsedLru.set(path, true);
    while (this.parsedLru.size > MAX_PARSED_SOURCES) {
      const oldest = this.parsedLru.keys().next().value as string;
      this.parsedLru.delete(oldest);
      const rec = this.sources.get(oldest);
      if (rec && !this.lineBps.has(oldest)) rec.parsed = undefined;
    }
  }

  private resolveInto(bp: StoredBreakpoint, parsed: ParsedChunk | undefined, path: string): void {
    const requested = bp.spec.line;
    bp.result.path = path;
    if (!parsed && this.sources.get(path)?.probedAll === undefined && !fs.existsSync(path)) {
      bp.result.verified = false;
      bp.result.line = requested;
      bp.result.message = `${path} is not loaded and not on disk; the breakpoint binds when code with this name loads`;
      return;
    }
    if (!parsed) {
      bp.result.verified = true;
      bp.result.line = requested;
      bp.result.message = undefined;
      return;
    }
    const line = resolveBreakpointLine(parsed, requested);
    if (line === undefined) {
      bp.result.verified = false;
      bp.result.line = requested;
      bp.result.message = `no statement at or after line ${requested}`;
      return;
    }
    bp.result.verified = true;
    bp.result.line = line;
    bp.result.message = line !== requested ? `moved from line ${requested} to the next statement` : undefined;
  }

  setBreakpoints(
    path: string,
    specs: BreakpointSpec[],
    owner: string,
  ): { results: BreakpointResult[]; commands: AgentCommand[] } {
    const rec = this.parsedFor(path);
    const list: StoredBreakpoint[] = [];
    for (const spec of specs) {
      const id = this.idFor(`${owner}|${path}|${spec.line}`);
      const result: BreakpointResult = { id, verified: false, line: spec.line, path };
      const bp: StoredBreakpoint = { spec, result };
      if (rec.error && !rec.parsed) {
        result.message = `cannot parse ${path}:${rec.error.line}:${rec.error.column}: ${rec.error.message}`;
      } else {
        this.resolveInto(bp, rec.parsed, path);
        const hit = parseHitCondition(spec.hitCondition);
        if (hit.error) {
          result.verified = false;
          result.message = hit.error;
        } else {
          bp.hitop = hit.op;
          bp.hitn = hit.n;
        }
        if (spec.condition && spec.condition.trim() !== '') {
          try {
            parseChunk(`return ${spec.condition}`);
          } catch (err) {
            if (err instanceof LuaSyntaxErrorException) {
              result.verified = false;
              result.message = `invalid condition: ${err.info.message}`;
            }
          }
        }
      }
      list.push(bp);
    }
    let owners = this.lineBps.get(path);
    if (!owners) {
      owners = new Map();
      this.lineBps.set(path, owners);
    }
    owners.set(owner, list);
    return { results: list.map((b) => ({ ...b.result })), commands: this.commandsFor(path) };
  }

  /**
   * Which probe each of `lines` gets: a guarded probe for a condition that reads only locals (not on
   * a function breakpoint's line, which the general probe must check), else the general one.
   */
  private probeCalls(
    path: string,
    text: string,
    parsed: ParsedChunk,
    lines: ReadonlySet<number>,
    functionLines: ReadonlyMap<number, number>,
    out: AgentCommand[],
  ): Map<number, ProbeCall> {
    const conds = new Map<number, string>();
    for (const [line, bp] of this.union(path)) {
      const cond = bp.spec.condition?.trim();
      if (cond && lines.has(line) && !functionLines.has(line)) conds.set(line, cond);
    }
    return this.guards.calls('@' + path, text, parsed.statementOffsets, conds, out);
  }

  private commandsFor(path: string): AgentCommand[] {
    const src = '@' + path;
    const cmds: AgentCommand[] = [{ cmd: 'clearbps', source: src, kind: 'line' }];
    for (const [line, bp] of this.union(path)) {
      cmds.push({
        cmd: 'bp',
        source: src,
        line,
        spec: {
          id: bp.result.id,
          cond: bp.spec.condition && bp.spec.condition.trim() !== '' ? bp.spec.condition.trim() : undefined,
          hitop: bp.hitop,
          hitn: bp.hitn,
          log: bp.spec.logMessage && bp.spec.logMessage !== '' ? bp.spec.logMessage : undefined,
          late: false,
        },
      });
    }
    this.relive(path, cmds);
    return cmds;
  }

  /**
   * When the probe lines a loaded source needs differ from the ones its live code has, the agent
   * re-instruments the live functions that contain a changed line (lua/agent/relive.lua): this
   * command carries each such function's text with probes on every breakpoint line.
   */
  private relive(path: string, out: AgentCommand[]): void {
    const rec = this.sources.get(path);
    if (!rec || rec.probedAll === undefined) return;
    const parsed = this.parsedFor(path).parsed;
    const text = rec.text;
    if (!parsed || text === undefined) return;
    const wanted = new Set<number>(this.union(path).keys());
    const fl = this.functionLines(path, parsed);
    for (const l of fl.keys()) wanted.add(l);
    const guards: AgentCommand[] = [];
    const calls = this.probeCalls(path, text, parsed, wanted, fl, guards);
    const methods = methodsOf(wanted, calls);
    const changed = new Set<number>();
    for (const l of wanted)
      if (!rec.probedAll.has(l) || rec.probeMethods?.get(l) !== methods.get(l)) changed.add(l);
    for (const l of rec.probedAny ?? []) if (!wanted.has(l)) changed.add(l);
    if (!changed.size) return;
    out.push(...guards);
    const offsets = [...changed]
      .map((l) => [l, parsed.statementOffsets.get(l)] as const)
      .filter((x): x is readonly [number, number] => x[1] !== undefined);
    const functions: ReliveFunction[] = [];
    const inFunction = new Set<number>();
    for (const span of parsed.spans) {
      const inside = offsets.filter(([, off]) => off > span.paren && off < span.end);
      if (!inside.length) continue;
      for (const [l] of inside) inFunction.add(l);
      functions.push({
        def: span.lineDefined,
        line: span.parenLine,
        last: span.lastLine,
        text: instrumentFunction(text, parsed, span, wanted, '@' + path, calls),
      });
    }
    // Lines of the main chunk (not in any function) that had no probe: the line hook watches them.
    const probedBefore = rec.probedAll;
    const late = [...changed].filter((l) => wanted.has(l) && !inFunction.has(l) && !probedBefore.has(l));
    rec.probedAll = new Set(wanted);
    rec.probedAny = new Set(wanted);
    rec.probeMethods = methods;
    out.push({ cmd: 'relive', source: '@' + path, functions, lines: [...wanted], late });
  }

  setFunctionBreakpoints(
    names: string[],
    owner: string,
  ): { results: BreakpointResult[]; commands: AgentCommand[] } {
    const list = names.map((name) => ({
      name,
      result: {
        id: this.idFor(`${owner}|fn|${name}`),
        verified: false,
        line: 0,
        path: '',
        message: `function '${name}' is not loaded yet`,
      } as BreakpointResult,
    }));
    this.funcBps.set(owner, list);
    const cmds: AgentCommand[] = [{ cmd: 'clearbps', kind: 'function' }];
    for (const [path, rec] of this.sources) {
      if (rec.probedAll === undefined) continue;
      for (const [line, id] of this.functionLines(path, rec.parsed)) {
        cmds.push({ cmd: 'fbp', source: '@' + path, line, bpId: id });
      }
      this.relive(path, cmds);
    }
    return { results: list.map((f) => ({ ...f.result })), commands: cmds };
  }

  /** True when a statement starts on this line of a loaded source (unknown sources: true). */
  isStatementLine(chunkname: string, line: number): boolean {
    if (!chunkname.startsWith('@')) return true;
    const parsed = this.parsedFor(chunkname.slice(1)).parsed;
    return parsed ? parsed.statementOffsets.has(line) : true;
  }

  locations(path: string, line: number, endLine?: number): number[] {
    const rec = this.parsedFor(path);
    if (!rec.parsed) return [];
    const last = endLine ?? line;
    return rec.parsed.statementLines.filter((l) => l >= line && l <= last);
  }
}

/** The probe method of each line (the general probe where `calls` has none). */
function methodsOf(lines: Iterable<number>, calls: ReadonlyMap<number, ProbeCall>): Map<number, string> {
  const out = new Map<number, string>();
  for (const l of lines) out.set(l, (calls.get(l) ?? GENERIC_PROBE).method);
  return out;
}
