import * as fs from 'fs';
import * as path from 'path';
import {
  DidChangeWatchedFilesNotification,
  FileChangeType,
  TextDocuments,
  type Connection,
  type FileEvent,
  type MessageType,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Project, pathToUri, uriToPath } from './analysis/project';
import type { FileAnalysis } from './analysis/resolve';
import { summarize } from './analysis/summary';
import { capabilities } from './capabilities';
import { parseSettings, type Settings } from './config';
import { DEFINE_GLOBAL_COMMAND } from './features/codeActions';
import type { FeatureContext } from './features/context';
import { RUN_COMMANDS, runCommand, type Messages } from './features/run';
import { diagnosticsFor, syntaxDiagnosticsFor } from './features/diagnostics';
import type { Logger } from './logger';
import { DEFAULT_MAX_FILE_SIZE_KB, SizeLimit } from './sizeLimit';
import { IGNORED_METHOD } from './transport';
import { wireFeatures } from './wiring';
import {
  MAX_FILE_BYTES,
  addLuarcGlobal,
  hostMetaPath,
  listLuaFiles,
  projectConfig,
  readIndexable,
} from './workspace';

/** Debounce for diagnostics: short for small files, a bit longer for huge ones. */
function debounceMs(length: number): number {
  return length > 1_000_000 ? 300 : 5;
}

/** Documents at least this long get their syntax errors published before the full analysis. */
const QUICK_SYNTAX_CHARS = 100_000;
/** Workspace indexing starts this long after `initialized`, so opened documents go first. */
const INDEX_DELAY_MS = 50;
/** Indexing yields to pending messages after this much work. */
const INDEX_SLICE_MS = 10;
/** What the client watches for us (dynamic registration). */
const WATCHED_FILES = [
  { globPattern: '**/*.lua' },
  { globPattern: '**/.luarc.json' },
  { globPattern: '**/*.rockspec' },
];

/** One LSP session: documents, settings and the project model. */
export class LanguageServer implements FeatureContext {
  readonly project = new Project();
  private readonly documents = new TextDocuments(TextDocument);
  private readonly analyses = new Map<string, { version: number; fa: FileAnalysis }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private clientSettings: Settings = {};
  private pullMode = false;
  private configurationSupport = false;
  private codeLensRefresh = false;
  private watchRegistration = false;
  private roots: string[] = [];
  private disposed = false;
  private readonly sizeLimit = new SizeLimit(
    () => this.clientSettings.maxFileSize ?? DEFAULT_MAX_FILE_SIZE_KB,
  );

  constructor(
    readonly connection: Connection,
    readonly log: Logger,
    /** allowRun false (TCP sessions): Run file/selection are refused, since any local process could connect. */
    private readonly opts: { allowRun?: boolean } = {},
  ) {
    connection.onInitialize((p) => this.initialize(p));
    connection.onInitialized(() => void this.initialized());
    connection.onDidChangeConfiguration((p) => void this.configurationChanged(p.settings));
    connection.onExecuteCommand((p) => this.executeCommand(p.command, p.arguments ?? []));
    connection.onDidChangeWatchedFiles((p) => this.watchedFilesChanged(p.changes));
    connection.onNotification(IGNORED_METHOD, () => undefined);
    connection.onShutdown(() => this.dispose());
    this.documents.onDidChangeContent((e) => this.schedule(e.document));
    this.documents.onDidClose((e) => this.closed(e.document.uri));
    this.documents.listen(connection);
    wireFeatures(connection, this);
  }

  // ---- FeatureContext -------------------------------------------------------------------------

  document(uri: string): TextDocument | undefined {
    return this.documents.get(uri);
  }

  settings(): { enableSnippets: boolean; enableDebug: boolean } {
    return {
      enableSnippets: this.clientSettings.enableSnippets ?? true,
      enableDebug: this.clientSettings.enableDebug ?? false,
    };
  }

  private isLua(doc: TextDocument): boolean {
    return doc.languageId === 'lua' || doc.uri.endsWith('.lua');
  }

  analysis(uri: string): FileAnalysis | undefined {
    const doc = this.documents.get(uri);
    if (!doc) return this.project.fullFile(uri);
    if (!this.isLua(doc) || this.sizeLimit.check(doc)) return undefined;
    const cached = this.analyses.get(uri);
    if (cached && cached.version === doc.version) return cached.fa;
    return this.analyzeNow(doc);
  }

  staleAnalysis(uri: string): FileAnalysis | undefined {
    const doc = this.documents.get(uri);
    if (doc && (!this.isLua(doc) || this.sizeLimit.check(doc))) return undefined;
    return this.analyses.get(uri)?.fa ?? this.analysis(uri);
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  private initialize(params: InitializeParams): InitializeResult {
    const folders =
      params.workspaceFolders?.map((f) => f.uri) ??
      (params.rootUri ? [params.rootUri] : params.rootPath ? [pathToUri(params.rootPath)] : []);
    this.roots = folders.map((u) => uriToPath(u)).filter((p): p is string => !!p);
    this.project.roots = this.roots;
    this.pullMode = !!params.capabilities.textDocument?.diagnostic;
    this.configurationSupport = !!params.capabilities.workspace?.configuration;
    this.codeLensRefresh = !!params.capabilities.workspace?.codeLens?.refreshSupport;
    this.watchRegistration = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    if (params.capabilities.workspace?.workspaceFolders) {
      try {
        this.connection.workspace.onDidChangeWorkspaceFolders((e) =>
          this.foldersChanged(
            e.added.map((f) => f.uri),
            e.removed.map((f) => f.uri),
          ),
        );
      } catch (e) {
        this.log.debug(`workspace folder events unavailable: ${(e as Error).message}`);
      }
    }
    const init = params.initializationOptions as { settings?: unknown } | undefined;
    if (init?.settings) this.applySettings(init.settings);
    this.loadLuarc();
    this.log.info(`initialize: roots=${JSON.stringify(this.roots)} pullDiagnostics=${this.pullMode}`);
    return {
      capabilities: capabilities({ pullDiagnostics: this.pullMode }),
      serverInfo: { name: 'llmspell-lsp', version: '0.1.0' },
    };
  }

  private async initialized(): Promise<void> {
    // Clients send nothing else before `initialized` (LSP spec), so the host API definitions are
    // parsed after the initialize response instead of delaying it.
    this.loadHostApi();
    // until the background index is complete, `require` reads the modules it needs itself
    const missing = new Set<string>();
    this.project.loadFile = (uri) => this.readWorkspaceFile(uri, missing);
    if (this.configurationSupport) {
      try {
        const s: unknown = await this.connection.workspace.getConfiguration('llmspell');
        if (s) this.applySettings(s);
      } catch (e) {
        this.log.debug(`workspace/configuration failed: ${(e as Error).message}`);
      }
    }
    if (this.watchRegistration) {
      // files created, changed or deleted outside the editor update the model
      void this.connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: WATCHED_FILES })
        .catch((e: Error) => this.log.debug(`file watch registration failed: ${e.message}`));
    }
    // in the background, after the documents the client opens right away
    setTimeout(() => void this.indexWorkspace(), INDEX_DELAY_MS);
  }

  private loadHostApi(): void {
    const p = hostMetaPath();
    try {
      this.project.addHostFile(pathToUri(p), fs.readFileSync(p, 'utf8'));
    } catch (e) {
      this.log.warn(`cannot read the host API definitions ${p}: ${(e as Error).message}`);
    }
  }

  private loadLuarc(): void {
    const { config, moduleMap } = projectConfig(this.roots, this.clientSettings, (m) => this.log.warn(m));
    this.project.config = config;
    this.project.moduleMap = moduleMap;
  }

  private applySettings(raw: unknown): void {
    const obj =
      raw && typeof raw === 'object' && 'llmspell' in raw ? (raw as { llmspell: unknown }).llmspell : raw;
    const { settings, error } = parseSettings(obj);
    if (error) this.log.warn(`invalid llmspell settings: ${error}`);
    this.clientSettings = settings;
    this.loadLuarc();
  }

  private async configurationChanged(settings: unknown): Promise<void> {
    if (settings) this.applySettings(settings);
    else if (this.configurationSupport) {
      try {
        this.applySettings(await this.connection.workspace.getConfiguration('llmspell'));
      } catch {
        /* keep the old settings */
      }
    }
    this.republishAll();
    // the Run/Debug lenses depend on llmspell.enableDebug
    if (this.codeLensRefresh)
      void this.connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  }

  private dispose(): void {
    this.disposed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  // ---- documents ------------------------------------------------------------------------------

  private analyzeNow(doc: TextDocument): FileAnalysis {
    const fa = this.project.analyze(doc.uri, doc.getText(), true, this.analyses.get(doc.uri)?.fa);
    this.analyses.set(doc.uri, { version: doc.version, fa });
    this.project.setFile(fa);
    return fa;
  }

  private schedule(doc: TextDocument): void {
    if (!this.isLua(doc) || this.disposed) return;
    if (this.refuseOversize(doc)) return;
    const prev = this.timers.get(doc.uri);
    if (prev) clearTimeout(prev);
    const first = !this.analyses.has(doc.uri);
    const run = () => {
      this.timers.delete(doc.uri);
      const cur = this.documents.get(doc.uri);
      if (!cur || this.disposed) return;
      try {
        const fa = this.analysis(cur.uri);
        if (fa && !this.pullMode)
          void this.connection.sendDiagnostics({
            uri: cur.uri,
            version: cur.version,
            diagnostics: diagnosticsFor(this.project, fa),
          });
      } catch (e) {
        this.log.error(`analysis of ${cur.uri} failed: ${(e as Error).stack ?? String(e)}`);
      }
    };
    if (first && !this.pullMode && doc.getText().length >= QUICK_SYNTAX_CHARS) {
      // a big file: its syntax errors now, everything else once the analysis is done
      try {
        void this.connection.sendDiagnostics({
          uri: doc.uri,
          version: doc.version,
          diagnostics: syntaxDiagnosticsFor(this.project, doc.getText()),
        });
      } catch (e) {
        this.log.error(`syntax check of ${doc.uri} failed: ${(e as Error).stack ?? String(e)}`);
      }
      this.timers.set(doc.uri, setTimeout(run, 0));
    } else if (first) run();
    else this.timers.set(doc.uri, setTimeout(run, debounceMs(doc.getText().length)));
  }

  /** An opened document over llmspell.maxFileSize: drop its analysis and tell the user once. */
  private refuseOversize(doc: TextDocument): boolean {
    const over = this.sizeLimit.check(doc);
    if (!over) return false;
    this.analyses.delete(doc.uri);
    const t = this.timers.get(doc.uri);
    if (t) clearTimeout(t);
    this.timers.delete(doc.uri);
    if (this.sizeLimit.firstNotice(doc.uri)) {
      this.log.warn(`${doc.uri}: ${over.bytes} bytes, over maxFileSize ${over.limitKb} KB; not analysed`);
      void this.connection.sendNotification('window/showMessage', { type: 2, message: over.message });
    }
    if (!this.pullMode)
      void this.connection.sendDiagnostics({
        uri: doc.uri,
        version: doc.version,
        diagnostics: [
          {
            range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
            severity: 3,
            source: 'llmspell',
            code: 'file-too-large',
            message: over.message,
          },
        ],
      });
    return true;
  }

  private closed(uri: string): void {
    this.sizeLimit.forget(uri);
    this.analyses.delete(uri);
    const t = this.timers.get(uri);
    if (t) clearTimeout(t);
    this.timers.delete(uri);
    const p = uriToPath(uri);
    if (p && fs.existsSync(p) && this.roots.some((r) => p.startsWith(r + path.sep))) {
      try {
        if (fs.statSync(p).size > MAX_FILE_BYTES) throw new Error('too large to index');
        this.project.setFile(summarize(this.project.analyze(uri, fs.readFileSync(p, 'utf8'))));
      } catch {
        this.project.removeFile(uri);
      }
    } else this.project.removeFile(uri);
    if (!this.pullMode) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  private republishAll(): void {
    // analyses do not depend on settings or other files; diagnostics do
    for (const doc of this.documents.all()) this.schedule(doc);
    if (this.pullMode) void this.connection.languages.diagnostics.refresh().catch(() => undefined);
  }

  // ---- workspace ------------------------------------------------------------------------------

  /** Workspace folders added or removed: their files join or leave the model, settings reload. */
  private foldersChanged(added: string[], removed: string[]): void {
    const gone = removed.map((u) => uriToPath(u)).filter((p): p is string => !!p);
    const fresh = added.map((u) => uriToPath(u)).filter((p): p is string => !!p);
    this.roots = [
      ...this.roots.filter((r) => !gone.includes(r)),
      ...fresh.filter((r) => !this.roots.includes(r)),
    ];
    this.project.roots = this.roots;
    for (const uri of [...this.project.files.keys()]) {
      const p = uriToPath(uri);
      if (p && !this.documents.get(uri) && gone.some((r) => p.startsWith(r + path.sep)))
        this.project.removeFile(uri);
    }
    this.loadLuarc();
    this.log.info(`workspace folders: +${fresh.length} -${gone.length} -> ${JSON.stringify(this.roots)}`);
    if (fresh.length) void this.indexWorkspace(fresh);
    else this.republishAll();
  }

  /** `workspace/didChangeWatchedFiles`: re-read changed files, drop deleted ones, reload settings. */
  private watchedFilesChanged(changes: FileEvent[]): void {
    let settings = false;
    for (const c of changes) {
      if (/(^|\/)\.luarc\.json$|\.rockspec$/.test(c.uri)) {
        settings = true;
        continue;
      }
      if (!c.uri.endsWith('.lua') || this.documents.get(c.uri)) continue;
      const p = uriToPath(c.uri);
      if (c.type === FileChangeType.Deleted || !p) {
        this.project.removeFile(c.uri);
        continue;
      }
      try {
        if (fs.statSync(p).size > MAX_FILE_BYTES) continue;
        this.project.setFile(summarize(this.project.analyze(c.uri, fs.readFileSync(p, 'utf8'))));
      } catch {
        this.project.removeFile(c.uri);
      }
    }
    if (settings) this.loadLuarc();
    this.republishAll();
  }

  /**
   * Index the workspace in slices (requests keep being answered meanwhile), keeping a compact
   * summary per closed file (see analysis/summary.ts).
   */
  private async indexWorkspace(dirs?: string[]): Promise<void> {
    if (this.disposed) return;
    const files = listLuaFiles(dirs ?? [...this.roots, ...this.project.config.library]);
    const started = Date.now();
    let slice = Date.now();
    let indexed = 0;
    for (let i = 0; i < files.length && !this.disposed; i++) {
      const uri = pathToUri(files[i]);
      if (this.documents.get(uri)) continue;
      try {
        const st = fs.statSync(files[i]);
        if (st.size > MAX_FILE_BYTES) continue;
        const fa = this.project.analyze(uri, fs.readFileSync(files[i], 'utf8'));
        // opened while we were busy: the open document wins
        if (!this.documents.get(uri)) this.project.setFile(summarize(fa));
        indexed++;
      } catch (e) {
        this.log.debug(`skipping ${files[i]}: ${(e as Error).message}`);
      }
      if (Date.now() - slice >= INDEX_SLICE_MS) {
        await new Promise((r) => setImmediate(r));
        slice = Date.now();
      }
    }
    this.project.loadFile = undefined;
    this.log.info(`indexed ${indexed} workspace file(s) in ${Date.now() - started} ms`);
    if (indexed) this.republishAll();
  }

  private readWorkspaceFile(uri: string, missing: Set<string>): string | undefined {
    const p = uriToPath(uri);
    if (!p || missing.has(uri) || this.documents.get(uri)) return undefined;
    const text = readIndexable(p);
    if (text === undefined) missing.add(uri);
    return text;
  }

  // ---- commands -------------------------------------------------------------------------------

  private executeCommand(command: string, args: unknown[]): unknown {
    if (RUN_COMMANDS.includes(command)) {
      const send = (method: string) => (type: MessageType, message: string) =>
        void this.connection.sendNotification(method, { type, message });
      if (this.opts.allowRun === false) {
        const message = `${command}: running code is only offered over stdio, not on the LSP TCP port`;
        send('window/showMessage')(1, message);
        return { ok: false, message };
      }
      const msgs: Messages = { log: send('window/logMessage'), show: send('window/showMessage') };
      return runCommand(this, msgs, command, args);
    }
    if (command === DEFINE_GLOBAL_COMMAND) {
      const [uri, name] = args as [string, string];
      const root = this.roots.find((r) => (uriToPath(uri) ?? '').startsWith(r)) ?? this.roots[0];
      if (!root || typeof name !== 'string') return { ok: false };
      const f = addLuarcGlobal(root, name);
      this.loadLuarc();
      this.republishAll();
      return { ok: true, file: f };
    }
    return undefined;
  }
}
