/**
 * A stand-in for the `vscode` module, for loading the packaged extension's bundle in node. Every
 * member is typed against the real API typings (@types/vscode, the version engines.vscode names):
 * namespaces as `Pick<typeof vscode.X, ...>` and classes checked against `typeof vscode.Class`, so
 * a call the extension or vscode-languageclient makes with the wrong shape fails to compile here.
 * It records what the extension registers and shows, for the test to drive and check.
 */
import type * as vscode from 'vscode';

type VSCode = typeof vscode;

/** The VS Code version the stand-in reports (vscode-languageclient checks it against its engines). */
export let version: VSCode['version'] = '1.82.0';
export function setVersion(v: string): void {
  version = v;
}

export class Disposable implements vscode.Disposable {
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  constructor(private readonly callOnDispose: () => unknown) {}
  dispose(): void {
    this.callOnDispose();
  }
}
const _Disposable: VSCode['Disposable'] = Disposable;

export class EventEmitter<T> implements vscode.EventEmitter<T> {
  private readonly listeners = new Set<(e: T) => unknown>();
  event: vscode.Event<T> = (listener, thisArgs, disposables) => {
    const l = (e: T) => listener.call(thisArgs, e);
    this.listeners.add(l);
    const d = new Disposable(() => this.listeners.delete(l));
    if (Array.isArray(disposables)) disposables.push(d);
    return d;
  };
  fire(data: T): void {
    for (const l of [...this.listeners]) l(data);
  }
  dispose(): void {
    this.listeners.clear();
  }
}
const _EventEmitter: VSCode['EventEmitter'] = EventEmitter;

export class DebugAdapterServer implements vscode.DebugAdapterServer {
  constructor(
    readonly port: number,
    readonly host?: string,
  ) {}
}
const _DebugAdapterServer: VSCode['DebugAdapterServer'] = DebugAdapterServer;

export class DebugAdapterExecutable implements vscode.DebugAdapterExecutable {
  readonly args: string[];
  constructor(
    readonly command: string,
    args?: string[],
    readonly options?: vscode.DebugAdapterExecutableOptions,
  ) {
    this.args = args ?? [];
  }
}
const _DebugAdapterExecutable: VSCode['DebugAdapterExecutable'] = DebugAdapterExecutable;

export class CancellationError extends Error implements vscode.CancellationError {
  constructor() {
    super('Canceled');
  }
}
const _CancellationError: VSCode['CancellationError'] = CancellationError;

export class CodeActionKind implements vscode.CodeActionKind {
  static readonly Empty = new CodeActionKind('');
  static readonly QuickFix = CodeActionKind.Empty.append('quickfix');
  static readonly Refactor = CodeActionKind.Empty.append('refactor');
  static readonly RefactorExtract = CodeActionKind.Refactor.append('extract');
  static readonly RefactorInline = CodeActionKind.Refactor.append('inline');
  static readonly RefactorMove = CodeActionKind.Refactor.append('move');
  static readonly RefactorRewrite = CodeActionKind.Refactor.append('rewrite');
  static readonly Source = CodeActionKind.Empty.append('source');
  static readonly SourceOrganizeImports = CodeActionKind.Source.append('organizeImports');
  static readonly SourceFixAll = CodeActionKind.Source.append('fixAll');
  constructor(readonly value: string) {}
  append(part: string): CodeActionKind {
    return new CodeActionKind(this.value ? `${this.value}.${part}` : part);
  }
  contains(other: vscode.CodeActionKind): boolean {
    return this.value === '' || other.value === this.value || other.value.startsWith(`${this.value}.`);
  }
  intersects(other: vscode.CodeActionKind): boolean {
    return this.contains(other) || new CodeActionKind(other.value).contains(this);
  }
}
const _CodeActionKind: Omit<VSCode['CodeActionKind'], 'prototype'> = CodeActionKind;

/*
 * Base classes vscode-languageclient extends when its modules load (ProtocolCompletionItem
 * extends CompletionItem, ...). The tests never build their instances; only the constructors
 * must exist. Their shapes are not checked against the typings.
 */
export class CompletionItem {}
export class CodeLens {}
export class DocumentLink {}
export class CodeAction {}
export class Diagnostic {}
export class CallHierarchyItem {}
export class TypeHierarchyItem {}
export class SymbolInformation {}
export class InlayHint {}

/** What the extension did, for the test to check. */
export interface Recorded {
  adapterFactories: Map<string, vscode.DebugAdapterDescriptorFactory>;
  configurationProviders: Map<string, vscode.DebugConfigurationProvider>;
  commands: Map<string, (...args: unknown[]) => unknown>;
  terminals: vscode.TerminalOptions[];
  channels: Map<string, string[]>;
  messages: { level: 'info' | 'warning' | 'error'; text: string }[];
  /** Language feature registrations (provider kind -> count). */
  providers: Map<string, number>;
  settings: Record<string, unknown>;
  activeDocument: vscode.TextDocument | undefined;
  quickPick: (<T>(items: readonly T[]) => T | undefined) | undefined;
}

export const recorded: Recorded = {
  adapterFactories: new Map(),
  configurationProviders: new Map(),
  commands: new Map(),
  terminals: [],
  channels: new Map(),
  messages: [],
  providers: new Map(),
  settings: {},
  activeDocument: undefined,
  quickPick: undefined,
};

const disposable = () => new Disposable(() => undefined);
function noEvent<T>(): vscode.Event<T> {
  return () => disposable();
}

export const debug: Pick<
  VSCode['debug'],
  'registerDebugAdapterDescriptorFactory' | 'registerDebugConfigurationProvider'
> = {
  registerDebugAdapterDescriptorFactory(type, factory) {
    recorded.adapterFactories.set(type, factory);
    return new Disposable(() => recorded.adapterFactories.delete(type));
  },
  registerDebugConfigurationProvider(type, provider) {
    recorded.configurationProviders.set(type, provider);
    return new Disposable(() => recorded.configurationProviders.delete(type));
  },
};

export const commands: Pick<VSCode['commands'], 'registerCommand' | 'executeCommand'> = {
  registerCommand(command, callback, thisArg) {
    if (recorded.commands.has(command)) throw new Error(`command '${command}' already exists`);
    recorded.commands.set(command, (...args) => callback.apply(thisArg, args));
    return new Disposable(() => recorded.commands.delete(command));
  },
  async executeCommand<T>(command: string, ...rest: unknown[]): Promise<T> {
    const fn = recorded.commands.get(command);
    if (!fn) throw new Error(`command '${command}' not found`);
    return (await fn(...rest)) as T;
  },
};

function configuration(section?: string): vscode.WorkspaceConfiguration {
  const prefix = section ? `${section}.` : '';
  // A section reads as the object of its dotted keys, as VS Code's configuration does.
  const lookup = (full: string): unknown => {
    if (full in recorded.settings) return recorded.settings[full];
    const tree: Record<string, unknown> = {};
    let found = false;
    for (const [k, v] of Object.entries(recorded.settings)) {
      if (!k.startsWith(`${full}.`)) continue;
      found = true;
      const parts = k.slice(full.length + 1).split('.');
      let node = tree;
      for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
      node[parts[parts.length - 1]] = v;
    }
    return found ? tree : undefined;
  };
  const get = <T>(key: string, dflt?: T): T | undefined => (lookup(prefix + key) ?? dflt) as T | undefined;
  return {
    get,
    has: (key) => lookup(prefix + key) !== undefined,
    inspect: () => undefined,
    update: async (key, value) => {
      recorded.settings[prefix + key] = value;
    },
  } as vscode.WorkspaceConfiguration;
}

export const workspace: Pick<
  VSCode['workspace'],
  | 'getConfiguration'
  | 'workspaceFolders'
  | 'textDocuments'
  | 'getWorkspaceFolder'
  | 'createFileSystemWatcher'
  | 'onDidChangeConfiguration'
  | 'onDidOpenTextDocument'
  | 'onDidChangeTextDocument'
  | 'onDidCloseTextDocument'
  | 'onDidSaveTextDocument'
  | 'onWillSaveTextDocument'
  | 'onDidChangeWorkspaceFolders'
  | 'onDidCreateFiles'
  | 'onDidRenameFiles'
  | 'onDidDeleteFiles'
  | 'onWillCreateFiles'
  | 'onWillRenameFiles'
  | 'onWillDeleteFiles'
> = {
  getConfiguration: (section) => configuration(section),
  workspaceFolders: undefined,
  textDocuments: [],
  getWorkspaceFolder: () => undefined,
  createFileSystemWatcher: () => ({
    ignoreCreateEvents: false,
    ignoreChangeEvents: false,
    ignoreDeleteEvents: false,
    onDidCreate: noEvent<vscode.Uri>(),
    onDidChange: noEvent<vscode.Uri>(),
    onDidDelete: noEvent<vscode.Uri>(),
    dispose: () => undefined,
  }),
  onDidChangeConfiguration: noEvent<vscode.ConfigurationChangeEvent>(),
  onDidOpenTextDocument: noEvent<vscode.TextDocument>(),
  onDidChangeTextDocument: noEvent<vscode.TextDocumentChangeEvent>(),
  onDidCloseTextDocument: noEvent<vscode.TextDocument>(),
  onDidSaveTextDocument: noEvent<vscode.TextDocument>(),
  onWillSaveTextDocument: noEvent<vscode.TextDocumentWillSaveEvent>(),
  onDidChangeWorkspaceFolders: noEvent<vscode.WorkspaceFoldersChangeEvent>(),
  onDidCreateFiles: noEvent<vscode.FileCreateEvent>(),
  onDidRenameFiles: noEvent<vscode.FileRenameEvent>(),
  onDidDeleteFiles: noEvent<vscode.FileDeleteEvent>(),
  onWillCreateFiles: noEvent<vscode.FileWillCreateEvent>(),
  onWillRenameFiles: noEvent<vscode.FileWillRenameEvent>(),
  onWillDeleteFiles: noEvent<vscode.FileWillDeleteEvent>(),
};

function outputChannel(name: string): vscode.OutputChannel {
  const lines: string[] = [''];
  recorded.channels.set(name, lines);
  const append = (text: string) => {
    const parts = text.split('\n');
    lines[lines.length - 1] += parts[0];
    lines.push(...parts.slice(1));
  };
  return {
    name,
    append,
    appendLine: (text: string) => append(`${text}\n`),
    replace: (text: string) => {
      lines.splice(0, lines.length, '');
      append(text);
    },
    clear: () => lines.splice(0, lines.length, ''),
    show: () => undefined,
    hide: () => undefined,
    dispose: () => undefined,
  };
}

function message(level: 'info' | 'warning' | 'error') {
  return async (text: string): Promise<undefined> => {
    recorded.messages.push({ level, text });
    return undefined;
  };
}

export const window: Pick<
  VSCode['window'],
  | 'createOutputChannel'
  | 'createTerminal'
  | 'showInformationMessage'
  | 'showWarningMessage'
  | 'showErrorMessage'
  | 'showQuickPick'
  | 'activeTextEditor'
  | 'onDidChangeActiveTextEditor'
  | 'tabGroups'
> = {
  createOutputChannel: ((name: string) => outputChannel(name)) as VSCode['window']['createOutputChannel'],
  createTerminal: ((options: vscode.TerminalOptions) => {
    recorded.terminals.push(options);
    const terminal: vscode.Terminal = {
      name: options.name ?? '',
      processId: Promise.resolve(undefined),
      creationOptions: options,
      exitStatus: undefined,
      state: { isInteractedWith: false },
      sendText: () => undefined,
      show: () => undefined,
      hide: () => undefined,
      dispose: () => undefined,
    };
    return terminal;
  }) as VSCode['window']['createTerminal'],
  showInformationMessage: message('info') as VSCode['window']['showInformationMessage'],
  showWarningMessage: message('warning') as VSCode['window']['showWarningMessage'],
  showErrorMessage: message('error') as VSCode['window']['showErrorMessage'],
  showQuickPick: (async <T>(items: readonly T[] | Thenable<readonly T[]>) =>
    recorded.quickPick?.(await items)) as VSCode['window']['showQuickPick'],
  get activeTextEditor() {
    const document = recorded.activeDocument;
    return document ? ({ document } as vscode.TextEditor) : undefined;
  },
  onDidChangeActiveTextEditor: noEvent<vscode.TextEditor | undefined>(),
  tabGroups: {
    all: [],
    activeTabGroup: { isActive: true, viewColumn: 1, activeTab: undefined, tabs: [] },
    onDidChangeTabGroups: noEvent<vscode.TabGroupChangeEvent>(),
    onDidChangeTabs: noEvent<vscode.TabChangeEvent>(),
    close: async () => true,
  },
};

function registered(kind: string): Disposable {
  recorded.providers.set(kind, (recorded.providers.get(kind) ?? 0) + 1);
  return new Disposable(() => recorded.providers.set(kind, (recorded.providers.get(kind) ?? 1) - 1));
}

function diagnosticCollection(name?: string): vscode.DiagnosticCollection {
  const store = new Map<string, readonly vscode.Diagnostic[]>();
  return {
    name: name ?? '',
    set: ((uri: vscode.Uri, diagnostics: readonly vscode.Diagnostic[] | undefined) => {
      if (uri && diagnostics) store.set(uri.toString(), diagnostics);
    }) as vscode.DiagnosticCollection['set'],
    delete: (uri) => void store.delete(uri.toString()),
    clear: () => store.clear(),
    forEach: () => undefined,
    get: (uri) => store.get(uri.toString()),
    has: (uri) => store.has(uri.toString()),
    dispose: () => store.clear(),
    // eslint-disable-next-line require-yield
    *[Symbol.iterator](): Iterator<[vscode.Uri, readonly vscode.Diagnostic[]]> {
      return undefined;
    },
  };
}

export const languages: Pick<
  VSCode['languages'],
  | 'match'
  | 'createDiagnosticCollection'
  | 'registerCallHierarchyProvider'
  | 'registerCodeActionsProvider'
  | 'registerCodeLensProvider'
  | 'registerColorProvider'
  | 'registerCompletionItemProvider'
  | 'registerDeclarationProvider'
  | 'registerDefinitionProvider'
  | 'registerDocumentFormattingEditProvider'
  | 'registerDocumentHighlightProvider'
  | 'registerDocumentLinkProvider'
  | 'registerDocumentRangeFormattingEditProvider'
  | 'registerDocumentSymbolProvider'
  | 'registerFoldingRangeProvider'
  | 'registerHoverProvider'
  | 'registerImplementationProvider'
  | 'registerInlayHintsProvider'
  | 'registerInlineCompletionItemProvider'
  | 'registerInlineValuesProvider'
  | 'registerLinkedEditingRangeProvider'
  | 'registerOnTypeFormattingEditProvider'
  | 'registerReferenceProvider'
  | 'registerRenameProvider'
  | 'registerSelectionRangeProvider'
  | 'registerSignatureHelpProvider'
  | 'registerTypeDefinitionProvider'
  | 'registerTypeHierarchyProvider'
  | 'registerWorkspaceSymbolProvider'
  | 'registerDocumentSemanticTokensProvider'
  | 'registerDocumentRangeSemanticTokensProvider'
> = {
  match: () => 0,
  createDiagnosticCollection: diagnosticCollection,
  registerCallHierarchyProvider: () => registered('callHierarchyProvider'),
  registerCodeActionsProvider: () => registered('codeActionsProvider'),
  registerCodeLensProvider: () => registered('codeLensProvider'),
  registerColorProvider: () => registered('colorProvider'),
  registerCompletionItemProvider: () => registered('completionItemProvider'),
  registerDeclarationProvider: () => registered('declarationProvider'),
  registerDefinitionProvider: () => registered('definitionProvider'),
  registerDocumentFormattingEditProvider: () => registered('documentFormattingEditProvider'),
  registerDocumentHighlightProvider: () => registered('documentHighlightProvider'),
  registerDocumentLinkProvider: () => registered('documentLinkProvider'),
  registerDocumentRangeFormattingEditProvider: () => registered('documentRangeFormattingEditProvider'),
  registerDocumentSymbolProvider: () => registered('documentSymbolProvider'),
  registerFoldingRangeProvider: () => registered('foldingRangeProvider'),
  registerHoverProvider: () => registered('hoverProvider'),
  registerImplementationProvider: () => registered('implementationProvider'),
  registerInlayHintsProvider: () => registered('inlayHintsProvider'),
  registerInlineCompletionItemProvider: () => registered('inlineCompletionItemProvider'),
  registerInlineValuesProvider: () => registered('inlineValuesProvider'),
  registerLinkedEditingRangeProvider: () => registered('linkedEditingRangeProvider'),
  registerOnTypeFormattingEditProvider: () => registered('onTypeFormattingEditProvider'),
  registerReferenceProvider: () => registered('referenceProvider'),
  registerRenameProvider: () => registered('renameProvider'),
  registerSelectionRangeProvider: () => registered('selectionRangeProvider'),
  registerSignatureHelpProvider: () => registered('signatureHelpProvider'),
  registerTypeDefinitionProvider: () => registered('typeDefinitionProvider'),
  registerTypeHierarchyProvider: () => registered('typeHierarchyProvider'),
  registerWorkspaceSymbolProvider: () => registered('workspaceSymbolProvider'),
  registerDocumentSemanticTokensProvider: () => registered('documentSemanticTokensProvider'),
  registerDocumentRangeSemanticTokensProvider: () => registered('documentRangeSemanticTokensProvider'),
};

export const env: Pick<VSCode['env'], 'appName' | 'language' | 'openExternal'> = {
  appName: 'llmspell test host',
  language: 'en',
  openExternal: async () => false,
};
