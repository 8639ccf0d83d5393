import { ANY, union, type FnSig, type Ty, type TyReturn } from './ty';

/**
 * A parser for LuaLS's annotation type language: `A|B`, `T?`, `T[]`, `(A|B)[]`, `table<K, V>`,
 * `Name<T>`, `fun(a: string, b?: integer, ...: any): R1, R2`, `{ x: number, [string]: T }`,
 * string/number/boolean literals and backtick literals. Never throws: unknown text ends the type.
 */

const NAME_RE = /[A-Za-z_\u0080-\uffff][\w.\-\u0080-\uffff]*\*?/y;

class TypeParser {
  pos = 0;
  /** inside `{ ... }`: a `, name:` after a function's returns starts the next field */
  inRecord = 0;
  constructor(readonly s: string) {}

  ws(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos])) this.pos++;
  }

  peek(str: string): boolean {
    this.ws();
    return this.s.startsWith(str, this.pos);
  }

  eat(str: string): boolean {
    if (!this.peek(str)) return false;
    this.pos += str.length;
    return true;
  }

  name(): string | undefined {
    this.ws();
    NAME_RE.lastIndex = this.pos;
    const m = NAME_RE.exec(this.s);
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }

  /** union := postfix ('|' postfix)* */
  union(topLevel: boolean): Ty | undefined {
    const first = this.postfix(topLevel);
    if (!first) return undefined;
    const items = [first];
    for (;;) {
      const save = this.pos;
      if (!this.eat('|')) break;
      const next = this.postfix(topLevel);
      if (!next) {
        this.pos = save;
        break;
      }
      items.push(next);
    }
    return items.length === 1 ? first : { k: 'union', items: flatten(items) };
  }

  postfix(topLevel: boolean): Ty | undefined {
    let t = this.primary(topLevel);
    if (!t) return undefined;
    for (;;) {
      if (this.s.startsWith('[]', this.pos)) {
        this.pos += 2;
        t = { k: 'array', elem: t };
      } else if (this.s[this.pos] === '?') {
        this.pos++;
        t = union([t], true);
      } else break;
    }
    return t;
  }

  primary(topLevel: boolean): Ty | undefined {
    this.ws();
    const c = this.s[this.pos];
    if (c === undefined) return undefined;
    if (c === '(') {
      this.pos++;
      const t = this.union(false);
      this.eat(')');
      return t;
    }
    if (c === '{') return this.record();
    if (c === '[') return this.tuple();
    if (c === '"' || c === "'" || c === '`') {
      const end = this.s.indexOf(c, this.pos + 1);
      if (end < 0) return undefined;
      let text = this.s.slice(this.pos, end + 1);
      this.pos = end + 1;
      // `"'a'"` is LuaLS's older spelling of the literal `'a'`
      if (c === '"' && /^"'.*'"$/.test(text)) text = text.slice(1, -1);
      return { k: 'literal', text };
    }
    const num = /-?\d+(\.\d+)?/y;
    num.lastIndex = this.pos;
    const nm = num.exec(this.s);
    if (nm) {
      this.pos += nm[0].length;
      return { k: 'literal', text: nm[0] };
    }
    if (this.s.startsWith('...', this.pos)) {
      this.pos += 3;
      return { k: 'unknown' };
    }
    const save = this.pos;
    const name = this.name();
    if (!name) return undefined;
    if (name === 'fun' && this.peek('(')) return { k: 'function', fn: this.fun(topLevel) };
    if (name === 'fun' && this.peek('<')) {
      this.eat('<');
      const generics: string[] = [];
      for (let n = this.name(); n; n = this.eat(',') ? this.name() : undefined) generics.push(n);
      this.eat('>');
      const fn = this.fun(topLevel);
      fn.generics = generics;
      return { k: 'function', fn };
    }
    if (name === 'async' && this.peek('fun')) {
      const t = this.primary(topLevel);
      if (t?.k === 'function' && t.fn) t.fn.async = true;
      return t;
    }
    if (this.s[this.pos] === '<') {
      this.pos++;
      const args: Ty[] = [];
      while (!this.eat('>')) {
        const a = this.union(false);
        if (!a) break;
        args.push(a);
        if (!this.eat(',')) {
          this.eat('>');
          break;
        }
      }
      if (name === 'table' && args.length === 2) return { k: 'map', key: args[0], value: args[1] };
      return { k: 'named', name, args };
    }
    void save;
    return namedType(name);
  }

  record(): Ty {
    this.pos++;
    const fields: { key: string; ty: Ty; optional?: boolean }[] = [];
    while (!this.eat('}') && this.pos < this.s.length) {
      this.ws();
      // `(f: fun():number)`: a field in parentheses, so its returns end at the `)`
      const paren = this.s[this.pos] === '(' && this.fieldAhead(1);
      if (paren) this.pos++;
      let key: string | undefined;
      if (this.s[this.pos] === '[') {
        const end = this.s.indexOf(']', this.pos);
        if (end < 0) break;
        key = this.s.slice(this.pos, end + 1);
        this.pos = end + 1;
      } else key = this.name();
      if (!key) break;
      const optional = this.eat('?');
      if (!this.eat(':')) break;
      this.inRecord++;
      const ty = this.union(true) ?? ANY;
      this.inRecord--;
      fields.push({ key, ty, optional: optional || undefined });
      if (paren) this.eat(')');
      if (!this.eat(',')) this.eat(';');
    }
    if (fields.length === 0) return { k: 'table' };
    return { k: 'record', fields };
  }

  /** `[A, B]`: a table with these types at keys 1, 2, ... */
  tuple(): Ty {
    this.pos++;
    const fields: { key: string; ty: Ty }[] = [];
    while (!this.eat(']') && this.pos < this.s.length) {
      const ty = this.union(false);
      if (!ty) break;
      fields.push({ key: `[${fields.length + 1}]`, ty });
      if (!this.eat(',')) {
        this.eat(']');
        break;
      }
    }
    return { k: 'record', fields, tuple: true };
  }

  fun(topLevel: boolean): FnSig {
    this.eat('(');
    const fn: FnSig = { params: [], returns: [], declared: true };
    while (!this.eat(')') && this.pos < this.s.length) {
      this.ws();
      let name: string | undefined;
      if (this.s.startsWith('...', this.pos)) {
        this.pos += 3;
        name = '...';
      } else name = this.name();
      if (!name) break;
      const optional = this.eat('?');
      let ty: Ty = ANY;
      if (this.eat(':')) ty = this.union(false) ?? ANY;
      if (name === '...') fn.vararg = ty;
      else fn.params.push({ name, ty, optional: optional || undefined });
      if (!this.eat(',')) {
        this.eat(')');
        break;
      }
    }
    const save = this.pos;
    if (this.eat(':')) {
      const rets = this.returns(topLevel);
      if (rets.list.length || rets.vararg) {
        fn.returns = rets.list;
        fn.returnsVararg = rets.vararg;
      } else this.pos = save;
    }
    return fn;
  }

  /** `name:` or `[key]:` (the next field of a record) */
  fieldAhead(skip = 0): boolean {
    return /^(?:[A-Za-z_][\w]*\??|\[[^\]]*\]\??)\s*:/.test(this.s.slice(this.pos + skip).trimStart());
  }

  returns(topLevel: boolean): { list: TyReturn[]; vararg?: Ty } {
    const list: TyReturn[] = [];
    let vararg: Ty | undefined;
    const paren = this.eat('(');
    for (;;) {
      this.ws();
      if (this.s.startsWith('...', this.pos)) {
        this.pos += 3;
        vararg = this.eat(':')
          ? (this.union(false) ?? { k: 'unknown' })
          : (this.union(false) ?? { k: 'unknown' });
        break;
      }
      const save = this.pos;
      let name: string | undefined = this.name();
      if (!(name && this.peek(':') && !this.peek('::'))) {
        this.pos = save;
        name = undefined;
      } else this.eat(':');
      const ty = this.union(false);
      if (!ty) break;
      list.push(name ? { ty, name } : { ty });
      if (!(topLevel || paren) || !this.peek(',')) break;
      const before = this.pos;
      this.eat(',');
      this.ws();
      if (!/[A-Za-z_.('"{`]/.test(this.s[this.pos] ?? '') || (this.inRecord && this.fieldAhead())) {
        this.pos = before;
        break;
      }
    }
    if (paren) this.eat(')');
    return { list, vararg };
  }
}

function flatten(items: Ty[]): Ty[] {
  const out: Ty[] = [];
  for (const t of items) {
    if (t.k === 'union') out.push(...t.items);
    else out.push(t);
  }
  return out;
}

/** A type name: a builtin or a class/alias name. */
export function namedType(name: string): Ty {
  switch (name) {
    case 'nil':
    case 'any':
    case 'unknown':
    case 'boolean':
    case 'integer':
    case 'number':
    case 'string':
    case 'table':
    case 'function':
      return { k: name };
    case 'true':
    case 'false':
      return { k: 'literal', text: name };
    default:
      return { k: 'named', name };
  }
}

/** Parse a whole type text (`string|nil`); unknown text gives `any`. */
export function parseType(text: string): Ty {
  const p = new TypeParser(text.trim());
  return p.union(true) ?? ANY;
}

/**
 * The type at the start of `text` and where it ends: `---@param x string|nil the doc` gives
 * `string|nil` and the offset of `the doc`. `list` allows a `fun():A, B` return list.
 */
export function scanType(text: string, list = false): { type: string; end: number } | undefined {
  const p = new TypeParser(text);
  const t = p.union(list);
  if (!t) return undefined;
  const start = text.length - text.trimStart().length;
  return { type: text.slice(start, p.pos).trim(), end: p.pos };
}
