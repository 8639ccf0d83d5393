import type { Candidate, CompletionResult } from './completionItems';
import { matchKey } from './completionNames';
import { inCommentOrString } from './context';

/**
 * Postfix completion as LuaLS offers it: after an expression, `@` (or `++`) turns the expression
 * into a wrapping form. `xx@pcall` -> `pcall(xx)`, `f(1, 2)@xpcall` -> `xpcall(f, debug.traceback,
 * 1, 2)`, `t.f@method` -> `function t:f() end`, `list@insert` -> `table.insert(list, )`,
 * `n++` -> `n = n + 1`. The item replaces the postfix word; a second edit removes the expression.
 */

/** The expression ending at `end`: a name chain, each part optionally called with flat arguments. */
function exprBefore(text: string, end: number): { start: number; name: string; args?: string } | undefined {
  const line = text.slice(text.lastIndexOf('\n', end - 1) + 1, end);
  const m = /([A-Za-z_]\w*(?:\s*[.:]\s*[A-Za-z_]\w*)*)(\(([^()]*)\))?$/.exec(line);
  if (!m || inCommentOrString(line.slice(0, m.index))) return undefined;
  const before = line.slice(0, m.index);
  if (/[.:]\s*$/.test(before) && !/\.\.\s*$/.test(before)) return undefined;
  return { start: end - m[0].length, name: m[1].replace(/\s+/g, ''), args: m[2] ? m[3].trim() : undefined };
}

interface Form {
  label: string;
  /** the snippet for the expression, undefined when the form does not apply */
  make: (name: string, args: string | undefined) => string | undefined;
}

const FORMS: Form[] = [
  {
    label: 'pcall',
    make: (n, a) => (a === undefined ? `pcall(${n}$1)$0` : a ? `pcall(${n}, ${a})` : `pcall(${n})`),
  },
  {
    label: 'xpcall',
    make: (n, a) =>
      a === undefined
        ? `xpcall(${n}, \${1:debug.traceback}$2)$0`
        : `xpcall(${n}, \${1:debug.traceback}${a ? `, ${a}` : ''})$0`,
  },
  {
    label: 'function',
    make: (n, a) => (a === undefined && !/[:]/.test(n) ? `function ${n}($1)\n\t$0\nend` : undefined),
  },
  {
    label: 'method',
    make: (n, a) => {
      const m = /^(.+)[.:]([A-Za-z_]\w*)$/.exec(n);
      return a === undefined && m ? `function ${m[1]}:${m[2]}($1)\n\t$0\nend` : undefined;
    },
  },
  { label: 'insert', make: (n, a) => (a === undefined ? `table.insert(${n}, $0)` : undefined) },
];

function item(label: string, snippet: string, removeStart: number, removeEnd: number): Candidate {
  return {
    label,
    kind: 'event',
    snippet,
    edit: { remove: { start: removeStart, end: removeEnd } },
    sortGroup: 0,
  };
}

/** `expr@word‸` or `expr++‸`: the postfix forms, or undefined when the cursor is not after one. */
export function postfixCompletion(text: string, offset: number): CompletionResult | undefined {
  let s = offset;
  while (s > 0 && /\w/.test(text[s - 1])) s--;
  if (text[s - 1] === '@') {
    const e = exprBefore(text, s - 1);
    if (!e) return undefined;
    const typed = text.slice(s, offset);
    const items: Candidate[] = [];
    for (const f of FORMS) {
      if (!matchKey(typed, f.label)) continue;
      const body = f.make(e.name, e.args);
      if (body) items.push(item(f.label, body, e.start, s));
    }
    return { items, prefixStart: s };
  }
  if (s === offset && text.slice(offset - 2, offset) === '++') {
    const e = exprBefore(text, offset - 2);
    if (!e || e.args !== undefined) return undefined;
    return {
      items: [
        item('++', `${e.name} = ${e.name} + 1`, e.start, offset - 2),
        item('++?', `${e.name} = (${e.name} or 0) + 1`, e.start, offset - 2),
      ],
      prefixStart: offset - 2,
    };
  }
  return undefined;
}
