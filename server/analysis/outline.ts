import type * as lp from 'luaparse';
import type { ApiClass, ApiMember, Definition, DocBlock, DocSymbol, FieldDef, Span } from './types';

/**
 * The outline (document symbols) and the classes a file declares (`---@class` plus the fields
 * of the table the class annotation sits on), built during the scope walk.
 */

/** The symbol of a `local` declaration, its table fields as children. */
export function localSymbol(d: Definition, init: lp.Expression | undefined, span: Span): DocSymbol {
  return {
    name: d.name,
    kind:
      init?.type === 'FunctionDeclaration'
        ? 'function'
        : d.attribute === 'const'
          ? 'constant'
          : init?.type === 'TableConstructorExpression'
            ? 'class'
            : 'variable',
    span,
    selectionSpan: d.span,
    children: [...d.fields.values()].map((f) => ({
      name: f.name,
      kind: f.isFunction ? 'method' : 'field',
      span: f.span,
      selectionSpan: f.span,
      children: [],
    })),
  };
}

/** `function(a, b)`: the detail shown beside a function symbol. */
export function functionDetail(fn: lp.FunctionDeclaration): string {
  return `function(${fn.parameters.map((p) => (p.type === 'Identifier' ? p.name : '...')).join(', ')})`;
}

/** Record the aliases and the class (with its `---@field`s) of a doc block. */
export function registerDocClass(
  classes: Map<string, ApiClass>,
  aliases: Map<string, string>,
  doc: DocBlock,
  uri: string,
  isMeta: boolean,
): void {
  for (const a of doc.aliases) {
    const before = a.partial ? aliases.get(a.name) : undefined;
    aliases.set(a.name, before ? `${before}|${a.type}` : a.type);
  }
  for (const other of doc.otherClasses ?? []) registerDocClass(classes, aliases, other, uri, isMeta);
  if (!doc.className) return;
  let cls = classes.get(doc.className);
  if (!cls) {
    cls = {
      name: doc.className,
      parents: doc.classParents,
      fields: new Map(),
      doc: doc.description || undefined,
      location: { uri, span: doc.span },
    };
    if (doc.classTypeParams) cls.typeParams = doc.classTypeParams;
    if (doc.classParentArgs) cls.parentArgs = doc.classParentArgs;
    classes.set(doc.className, cls);
  }
  if (doc.operators) cls.operators = [...(cls.operators ?? []), ...doc.operators];
  for (const f of doc.fields) {
    const prev = cls.fields.get(f.name);
    if (prev?.type?.startsWith('fun(') && f.type?.startsWith('fun(') && prev.location?.uri === uri) {
      // `---@field on fun(...)` written several times: overloads of one field
      (prev.overloads ??= []).push(f.type);
      continue;
    }
    cls.fields.set(f.name, {
      ...f,
      origin: isMeta ? 'host' : 'workspace',
      location: { uri, span: f.nameSpan ?? doc.span },
    });
  }
}

/** A class annotated on a table definition gets the table's fields as members. */
export function finishClasses(
  classes: Map<string, ApiClass>,
  defs: Definition[],
  uri: string,
  isMeta: boolean,
): void {
  for (const d of defs) {
    const cn = d.doc?.className;
    if (!cn) continue;
    const cls = classes.get(cn);
    if (!cls) continue;
    cls.location = { uri, span: d.span };
    for (const f of d.fields.values()) {
      if (cls.fields.has(f.name)) continue;
      cls.fields.set(f.name, fieldToMember(f, uri, isMeta));
    }
  }
}

export function fieldToMember(f: FieldDef, uri: string, isMeta: boolean): ApiMember {
  const doc = f.doc;
  return {
    name: f.name,
    kind: f.isFunction ? (f.params?.[0]?.name === 'self' ? 'method' : 'function') : 'field',
    doc: doc?.description || undefined,
    params: f.params?.filter((p) => p.name !== 'self'),
    returns: doc?.returns,
    type: doc?.type,
    isVararg: f.isVararg,
    location: { uri, span: f.span },
    origin: isMeta ? 'host' : 'workspace',
  };
}
