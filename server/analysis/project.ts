import { analyzeFile, occurrenceAt, visibleLocals, type FileAnalysis } from './resolve';
import { envGlobalsOf } from './envGlobals';
import { candidatePaths, DEFAULT_RUNTIME_PATH, MODULE_DIRS, SuffixIndex } from './modules';
import { DEFAULT_CONFIG, pathToUri, uriToPath, type AnalysisConfig } from './projectConfig';
import { stdlib } from './stdlib';
import { expand, summarize } from './summary';
import type {
  ApiClass,
  ApiMember,
  ChainItem,
  Definition,
  FieldDef,
  Location,
  ReturnInfo,
  Span,
} from './types';

export { DEFAULT_CONFIG, pathToUri, uriToPath, type AnalysisConfig } from './projectConfig';
export { envGlobals, type EnvGlobal } from './envGlobals';

/** What an expression evaluates to, as far as static analysis knows. */
export interface Value {
  /** classes whose fields are members (`string`, `Agent`, ...) */
  classes: string[];
  /** a table definition whose seen fields are members */
  table?: { fa: FileAnalysis; def: Definition };
  /** documentation/signature of the thing itself */
  info?: ApiMember;
  /** where it is defined */
  location?: Location;
}

const EMPTY: Value = { classes: [] };

/** All files of a workspace plus the host API and std lib: the semantic model. */
export class Project {
  readonly files = new Map<string, FileAnalysis>();
  readonly hostFiles: FileAnalysis[] = [];
  roots: string[] = [];
  config: AnalysisConfig = { ...DEFAULT_CONFIG };
  /**
   * Reads a workspace file the index does not hold yet (set by the server while the workspace is
   * being indexed in the background, so `require` resolves before indexing is done).
   */
  loadFile: ((uri: string) => string | undefined) | undefined;
  /** module name -> absolute path, from rockspec `build.modules` (set by the server) */
  moduleMap = new Map<string, string>();
  private globalIndex: Map<string, { fa: FileAnalysis; def: Definition }[]> | undefined;
  private envIndex: Map<string, { uri: string; span: Span }[]> | undefined;
  private classIndex: Map<string, ApiClass> | undefined;
  private readonly suffixes = new SuffixIndex();
  /** files set or removed so far, and per uri how many of those were that file's own */
  private changes = 0;
  private readonly ownChanges = new Map<string, number>();

  /** Load a `---@meta` definition file (host API). */
  addHostFile(uri: string, text: string): FileAnalysis {
    const fa = analyzeFile(uri, text);
    this.hostFiles.push(fa);
    this.changes++;
    this.invalidate();
    return fa;
  }

  setFile(fa: FileAnalysis): void {
    if (!this.files.has(fa.uri)) {
      const p = uriToPath(fa.uri);
      if (p) this.suffixes.add(p.replace(/\\/g, '/'));
    }
    this.files.set(fa.uri, fa);
    this.changes++;
    this.ownChanges.set(fa.uri, (this.ownChanges.get(fa.uri) ?? 0) + 1);
    this.invalidate();
  }

  /** How many times the files other than `uri` changed (caches of `uri`'s results key on it). */
  changesBesides(uri: string): number {
    return this.changes - (this.ownChanges.get(uri) ?? 0);
  }

  removeFile(uri: string): void {
    if (this.files.delete(uri)) {
      this.changes++;
      const p = uriToPath(uri);
      if (p) this.suffixes.delete(p.replace(/\\/g, '/'));
      this.invalidate();
    }
  }

  private invalidate(): void {
    this.globalIndex = undefined;
    this.envIndex = undefined;
    this.classIndex = undefined;
  }

  /** Globals created through `_G.x =`, `_ENV.x =`, `rawset(_G, 'x', ...)` in workspace files. */
  envGlobalIndex(): Map<string, { uri: string; span: Span }[]> {
    if (this.envIndex) return this.envIndex;
    const idx = new Map<string, { uri: string; span: Span }[]>();
    for (const fa of this.files.values()) {
      for (const g of envGlobalsOf(fa)) {
        let l = idx.get(g.name);
        if (!l) idx.set(g.name, (l = []));
        l.push({ uri: fa.uri, span: g.span });
      }
    }
    this.envIndex = idx;
    return idx;
  }

  /** Workspace globals by name (files first, then host files). */
  globals(): Map<string, { fa: FileAnalysis; def: Definition }[]> {
    if (this.globalIndex) return this.globalIndex;
    const idx = new Map<string, { fa: FileAnalysis; def: Definition }[]>();
    for (const fa of [...this.files.values(), ...this.hostFiles]) {
      for (const [name, def] of fa.globals) {
        let l = idx.get(name);
        if (!l) idx.set(name, (l = []));
        l.push({ fa, def });
      }
    }
    this.globalIndex = idx;
    return idx;
  }

  classes(): Map<string, ApiClass> {
    if (this.classIndex) return this.classIndex;
    const idx = new Map<string, ApiClass>(stdlib().classes);
    // a class declared in several places: one merged copy (the std lib's and the files' stay as they are)
    const merged = new Set<ApiClass>();
    for (const fa of [...this.hostFiles, ...this.files.values()]) {
      for (const [name, cls] of fa.classes) {
        let prev = idx.get(name);
        if (!prev) {
          idx.set(name, cls);
          continue;
        }
        if (!merged.has(prev)) {
          prev = { ...prev, fields: new Map(prev.fields) };
          merged.add(prev);
          idx.set(name, prev);
        }
        for (const [k, v] of cls.fields) if (!prev.fields.has(k)) prev.fields.set(k, v);
        if (cls.operators?.length) prev.operators = [...(prev.operators ?? []), ...cls.operators];
      }
    }
    this.classIndex = idx;
    return idx;
  }

  /** The full analysis of a workspace file (closed files are stored as summaries). */
  fullFile(uri: string): FileAnalysis | undefined {
    const fa = this.files.get(uri);
    return fa ? expand(fa) : undefined;
  }

  /**
   * Full analyses of the workspace files whose text mentions `name` (all when undefined), with
   * `current` standing in for its own uri. Summaries are expanded on demand.
   */
  fullFiles(current: FileAnalysis, name?: string): FileAnalysis[] {
    const out: FileAnalysis[] = [current];
    for (const f of this.files.values()) {
      if (f.uri === current.uri) continue;
      if (name !== undefined && !f.text.includes(name)) continue;
      out.push(expand(f));
    }
    return out;
  }

  isHostUri(uri: string): boolean {
    return this.hostFiles.some((f) => f.uri === uri);
  }

  /** Is `name` a known global anywhere (std lib, host API, workspace, settings)? */
  isKnownGlobal(name: string, fa?: FileAnalysis): boolean {
    if (fa?.globals.has(name)) return true;
    if (stdlib().globals.has(name)) return true;
    if (this.config.globals.includes(name)) return true;
    if (fa && envGlobalsOf(fa).some((g) => g.name === name)) return true;
    return this.globals().has(name) || this.envGlobalIndex().has(name);
  }

  /** Every global name known, for completion and typo fixes. */
  allGlobalNames(): string[] {
    return [
      ...new Set([
        ...stdlib().globals.keys(),
        ...this.globals().keys(),
        ...this.envGlobalIndex().keys(),
        ...this.config.globals,
      ]),
    ];
  }

  // ---- modules --------------------------------------------------------------------------------

  /** Folders that hold modules: each root and its `src/`, `lua/`, `lib/`, then `workspace.library`. */
  moduleBases(): string[] {
    const out: string[] = [];
    for (const r of this.roots) for (const d of MODULE_DIRS) out.push(d ? `${r}/${d}` : r);
    out.push(...this.config.library);
    return out;
  }

  /**
   * The file `require(module)` loads from the file `from`: rockspec mappings, then the templates
   * against the module folders and the file's own folder, then (as LuaLS does) any workspace file
   * whose path ends with a template's expansion.
   */
  moduleUri(module: string, from?: string): string | undefined {
    if (!module || module.length > 300) return undefined;
    const templates = this.config.runtimePath.length ? this.config.runtimePath : DEFAULT_RUNTIME_PATH;
    const mapped = this.moduleMap.get(module);
    const fromPath = from ? uriToPath(from) : undefined;
    const fromDir = fromPath?.replace(/\\/g, '/').replace(/\/[^/]*$/, '');
    const bases = this.moduleBases();
    if (fromDir) bases.push(fromDir);
    const paths = [...(mapped ? [mapped] : []), ...candidatePaths(module, bases, templates)];
    const cands: string[] = [];
    for (const p of paths) {
      const uri = pathToUri(p);
      // a file never requires itself (LuaLS skips it: `b/x.lua` requiring 'x' finds `a/x.lua`)
      if (uri === from) continue;
      if (this.files.has(uri)) return uri;
      cands.push(uri);
    }
    const found = this.suffixes.find(module, templates, fromDir, fromPath?.replace(/\\/g, '/'));
    if (found) return pathToUri(found);
    if (this.loadFile) {
      for (const uri of cands) {
        const text = this.loadFile(uri);
        if (text === undefined) continue;
        this.setFile(summarize(analyzeFile(uri, text)));
        return uri;
      }
    }
    return undefined;
  }

  /** Module names of workspace files (for `require("` completion). */
  moduleNames(): string[] {
    const out = new Set<string>();
    for (const uri of this.files.keys()) {
      const p = uriToPath(uri);
      if (!p) continue;
      for (const root of [...this.roots, ...this.config.library]) {
        if (!p.startsWith(root + '/')) continue;
        let rel = p.slice(root.length + 1).replace(/\.lua$/, '');
        rel = rel.replace(/\/init$/, '');
        out.add(rel.replace(/\//g, '.'));
      }
    }
    return [...out].sort();
  }

  // ---- values ---------------------------------------------------------------------------------

  typeToClasses(type: string | undefined, depth = 0): string[] {
    if (!type || depth > 4) return [];
    const out: string[] = [];
    for (let t of type.split('|')) {
      t = t.trim().replace(/\?$/, '');
      if (t === 'string') out.push('string');
      else if (this.classes().has(t)) out.push(t);
      else {
        for (const fa of [...this.hostFiles, ...this.files.values()]) {
          const a = fa.aliases.get(t);
          if (a) out.push(...this.typeToClasses(a, depth + 1));
        }
      }
    }
    return out;
  }

  /** Signature/doc of a definition, as an ApiMember. */
  defInfo(fa: FileAnalysis, def: Definition): ApiMember {
    const isFn = def.kind === 'localFunction' || def.kind === 'globalFunction' || !!def.params;
    return {
      name: def.name,
      kind: isFn ? 'function' : def.init?.kind === 'table' ? 'table' : 'value',
      doc: def.doc?.description || undefined,
      params: def.params,
      isVararg: def.isVararg,
      returns: def.doc?.returns,
      type: def.doc?.type ?? def.doc?.className,
      location: { uri: fa.uri, span: def.span },
      origin: this.isHostUri(fa.uri) ? 'host' : 'workspace',
    };
  }

  valueOfDef(fa: FileAnalysis, def: Definition, depth = 0): Value {
    const v: Value = { classes: [], info: this.defInfo(fa, def), location: { uri: fa.uri, span: def.span } };
    if (depth > 8) return v;
    if (def.doc?.className) v.classes.push(def.doc.className);
    if (def.doc?.type) v.classes.push(...this.typeToClasses(def.doc.type));
    const init = def.init;
    if (init?.kind === 'table' || def.fields.size) v.table = { fa, def };
    if (init?.kind === 'string') v.classes.push('string');
    if (init?.kind === 'require') {
      const uri = this.moduleUri(init.module, fa.uri);
      const mod = uri ? this.files.get(uri) : undefined;
      if (mod?.moduleReturn?.defId !== undefined) {
        if (mod === fa) return v;
        const m = this.valueOfDef(mod, mod.defs[mod.moduleReturn.defId], depth + 1);
        return { ...m, info: v.info, location: m.location };
      }
    }
    if (init?.kind === 'chain') {
      const inner = this.evalChain(fa, init.chain, def.span.start, depth + 1, init.at);
      v.classes.push(...inner.classes);
      if (!v.table && inner.table) v.table = inner.table;
    }
    if (def.kind === 'global' || def.kind === 'globalFunction') {
      // merge the same global from other files and the host API
      for (const g of this.globals().get(def.name) ?? []) {
        if (g.def === def) continue;
        if (g.def.doc?.className) v.classes.push(g.def.doc.className);
        if (!v.table && g.def.fields.size) v.table = g;
      }
    }
    return v;
  }

  globalValue(name: string, fa?: FileAnalysis, depth = 0): Value {
    const own = fa?.globals.get(name);
    if (own) return this.valueOfDef(fa as FileAnalysis, own, depth);
    const ws = this.globals().get(name);
    if (ws?.length) {
      const pick = ws.find((g) => !this.isHostUri(g.fa.uri)) ?? ws[0];
      return this.valueOfDef(pick.fa, pick.def, depth);
    }
    const std = stdlib().globals.get(name);
    if (std) return this.memberValue(std);
    return EMPTY;
  }

  memberValue(m: ApiMember): Value {
    const classes = m.kind === 'function' || m.kind === 'method' ? [] : this.typeToClasses(m.type);
    return { classes, info: m, location: m.location };
  }

  fieldMember(fa: FileAnalysis, f: FieldDef): ApiMember {
    const isMethod = f.params?.[0]?.name === 'self';
    return {
      name: f.name,
      kind: f.isFunction ? (isMethod ? 'method' : 'function') : 'field',
      doc: f.doc?.description || undefined,
      params: isMethod ? f.params?.slice(1) : f.params,
      returns: f.doc?.returns,
      type: f.doc?.type,
      isVararg: f.isVararg,
      location: { uri: fa.uri, span: f.span },
      origin: this.isHostUri(fa.uri) ? 'host' : 'workspace',
    };
  }

  /** Members of a value: its classes' fields (with parents) and its table's seen fields. */
  members(v: Value): Map<string, ApiMember> {
    const out = new Map<string, ApiMember>();
    const seen = new Set<string>();
    const addClass = (name: string, depth: number) => {
      if (seen.has(name) || depth > 6) return;
      seen.add(name);
      const cls = this.classes().get(name);
      if (!cls) return;
      for (const [k, m] of cls.fields) if (!out.has(k)) out.set(k, m);
      for (const p of cls.parents) addClass(p, depth + 1);
    };
    for (const c of v.classes) addClass(c, 0);
    if (v.table) {
      const { fa, def } = v.table;
      for (const f of def.fields.values()) if (!out.has(f.name)) out.set(f.name, this.fieldMember(fa, f));
      if (def.doc?.className) addClass(def.doc.className, 0);
    }
    return out;
  }

  /** One member of a value, as `members(v).get(name)` but without building the whole map. */
  member(v: Value, name: string): ApiMember | undefined {
    const seen = new Set<string>();
    const inClass = (cn: string, depth: number): ApiMember | undefined => {
      if (seen.has(cn) || depth > 6) return undefined;
      seen.add(cn);
      const cls = this.classes().get(cn);
      if (!cls) return undefined;
      const m = cls.fields.get(name);
      if (m) return m;
      for (const p of cls.parents) {
        const r = inClass(p, depth + 1);
        if (r) return r;
      }
      return undefined;
    };
    for (const c of v.classes) {
      const m = inClass(c, 0);
      if (m) return m;
    }
    if (v.table) {
      const { fa, def } = v.table;
      const f = def.fields.get(name);
      if (f) return this.fieldMember(fa, f);
      if (def.doc?.className) return inClass(def.doc.className, 0);
    }
    return undefined;
  }

  returnValue(v: Value): Value {
    const r: ReturnInfo | undefined = v.info?.returns?.[0];
    if (!r) return EMPTY;
    return { classes: this.typeToClasses(r.type) };
  }

  /**
   * Evaluate `a.b:c()` in file `fa` at `offset`. The head is a local visible there (found through
   * the identifier occurrence at `headOffset` when given, else by scope), or a global.
   */
  evalChain(fa: FileAnalysis, chain: ChainItem[], offset: number, depth = 0, headOffset?: number): Value {
    if (!chain.length || depth > 8) return EMPTY;
    const head = chain[0];
    let v: Value | undefined;
    if (headOffset !== undefined) {
      const occ = occurrenceAt(fa, headOffset);
      if (occ && !occ.member && fa.text.slice(occ.span.start, occ.span.end) === head.name) {
        // the head identifier itself: resolved by scope analysis already (no defId = global)
        v =
          occ.defId !== undefined
            ? this.valueOfDef(fa, fa.defs[occ.defId], depth + 1)
            : this.globalValue(head.name, fa, depth + 1);
      }
    }
    if (!v) {
      const local = visibleLocals(fa, offset).find((d) => d.name === head.name);
      v = local ? this.valueOfDef(fa, local, depth + 1) : this.globalValue(head.name, fa, depth + 1);
    }
    if (head.called) v = this.returnValue(v);
    for (let i = 1; i < chain.length; i++) {
      const item = chain[i];
      const m = this.member(v, item.name);
      if (!m) return EMPTY;
      let next = this.memberValue(m);
      if (v.table && !m.type) {
        const f = v.table.def.fields.get(item.name);
        if (f) {
          // a field assigned a table in the same file: follow it through assignments we saw
          next = { ...next, location: { uri: v.table.fa.uri, span: f.span } };
        }
      }
      v = item.called ? this.returnValue(next) : next;
    }
    return v;
  }

  /**
   * Reanalyse text as a file of this project (not stored). For an open document pass `open`
   * (node spans and the syntax tree are kept) and its previous analysis, whose syntax tree is
   * then re-parsed incrementally (and consumed).
   */
  analyze(uri: string, text: string, open = false, previous?: FileAnalysis): FileAnalysis {
    return analyzeFile(uri, text, {
      keepNodeSpans: open,
      keepParseState: open,
      previous: previous?.parseState,
    });
  }
}
