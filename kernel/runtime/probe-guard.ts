/**
 * Guarded probes: a conditional breakpoint whose condition only compares locals of the function it
 * is in (with numbers, literals, arithmetic, `and`/`or`/`not`) gets a probe of its own that is
 * called with those locals' values and returns at once when the condition is false:
 * `;(""):__llmspell_g3(LINE,"@path",n);` for `n < 0`. The guard evaluates the condition only when
 * every value it orders or computes with is a number, so it cannot raise; in any other case (and
 * when the condition holds) it hands over to the agent's protected check, which reports errors as
 * before. A probe like this costs about one Lua call plus a `math.type` per number; the general
 * probe (frame lookups, `pcall`) costs ten times that, which a deep recursion that passes the
 * breakpoint at every level notices (docs/BENCHMARKS.md, "Late breakpoints").
 *
 * Passing locals of the function itself (never upvalues or globals) keeps the instrumentation
 * invisible: no upvalue is added, and reading a local has no side effect.
 */
import type * as Luaparse from 'luaparse';
import { blankLua54, PROBE_METHOD } from './syntax';
import type { ProbeCall } from './syntax';
import type { AgentCommand } from './protocol';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const luaparse = (): typeof Luaparse => require('luaparse') as typeof Luaparse;

interface Node {
  type: string;
  range?: [number, number];
  [key: string]: unknown;
}

/** A guarded probe: the locals it passes (in order) and the condition text it checks. */
export interface Guard {
  args: string[];
  /** The args that must be numbers for the unprotected check (operands of arithmetic and ordering). */
  numeric: string[];
  cond: string;
}

/** Names a guard's own code uses; a condition reading a local with such a name is not guarded. */
const RESERVED = /^__llmspell/;

function parse(text: string): Node {
  return luaparse().parse(blankLua54(text), {
    luaVersion: '5.3',
    locations: false,
    ranges: true,
    comments: false,
    scope: false,
  }) as unknown as Node;
}

/**
 * The locals of the enclosing function that are in scope before the statement starting at each of
 * `offsets` (parameters, `self` of methods, loop variables, earlier `local`s of enclosing blocks).
 */
export function localsAt(source: string, offsets: ReadonlySet<number>): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const fn = (f: Node): void => {
    const params = (f.parameters as Node[])
      .filter((p) => p.type === 'Identifier')
      .map((p) => p.name as string);
    const id = f.identifier as Node | null;
    if (id?.type === 'MemberExpression' && id.indexer === ':') params.unshift('self');
    block(f.body as Node[], params);
  };
  // Functions inside expressions start scopes of their own.
  const expr = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(expr);
    const node = n as Node;
    if (node.type === 'FunctionDeclaration') return fn(node);
    for (const k of Object.keys(node)) if (k !== 'range') expr(node[k]);
  };
  const statement = (s: Node, names: string[]): void => {
    const vars = (key: string): string[] => (s[key] as Node[]).map((v) => v.name as string);
    switch (s.type) {
      case 'LocalStatement':
        expr(s.init);
        names.push(...vars('variables'));
        return;
      case 'FunctionDeclaration': {
        const id = s.identifier as Node | null;
        if (s.isLocal && id?.type === 'Identifier') names.push(id.name as string);
        return fn(s);
      }
      case 'DoStatement':
        return block(s.body as Node[], names);
      case 'WhileStatement':
      case 'RepeatStatement':
        expr(s.condition);
        return block(s.body as Node[], names);
      case 'IfStatement':
        for (const clause of s.clauses as Node[]) {
          expr(clause.condition);
          block(clause.body as Node[], names);
        }
        return;
      case 'ForNumericStatement':
        expr([s.start, s.end, s.step]);
        return block(s.body as Node[], [...names, (s.variable as Node).name as string]);
      case 'ForGenericStatement':
        expr(s.iterators);
        return block(s.body as Node[], [...names, ...vars('variables')]);
      default:
        return expr(s);
    }
  };
  const block = (body: Node[], scope: string[]): void => {
    const names = [...scope];
    for (const stmt of body) {
      const at = stmt.range?.[0];
      if (at !== undefined && offsets.has(at) && !out.has(at)) out.set(at, [...new Set(names)]);
      statement(stmt, names);
    }
  };
  block(parse(source).body as Node[], []);
  return out;
}

const ARITH = new Set(['+', '-', '*', '/', '^']);
const ORDER = new Set(['<', '<=', '>', '>=']);
const LITERALS = new Set(['NumericLiteral', 'StringLiteral', 'BooleanLiteral', 'NilLiteral']);

/**
 * The guard for `cond` at a statement where `locals` are in scope, or undefined when the condition
 * reads anything else (globals, upvalues, fields, calls) or uses an operator that can raise on
 * numbers (`//`, `%`, bitwise, `..`, `#`).
 */
export function guardFor(cond: string, locals: readonly string[]): Guard | undefined {
  let ast: Node;
  try {
    ast = parse(`return ${cond}`);
  } catch {
    return undefined;
  }
  const ret = (ast.body as Node[])[0];
  const exprs = ret?.type === 'ReturnStatement' ? (ret.arguments as Node[]) : [];
  if ((ast.body as Node[]).length !== 1 || exprs.length !== 1) return undefined;
  const visible = new Set(locals);
  const used = new Set<string>();
  const numeric = new Set<string>();
  const name = (n: Node): boolean => {
    const id = n.name as string;
    if (!visible.has(id) || RESERVED.test(id)) return false;
    used.add(id);
    return true;
  };
  const isNumeric = (n: Node): boolean => {
    if (n.type === 'NumericLiteral') return true;
    if (n.type === 'Identifier') return name(n) && (numeric.add(n.name as string), true);
    if (n.type === 'UnaryExpression') return n.operator === '-' && isNumeric(n.argument as Node);
    if (n.type === 'BinaryExpression' && ARITH.has(n.operator as string))
      return isNumeric(n.left as Node) && isNumeric(n.right as Node);
    return false;
  };
  const isSafe = (n: Node): boolean => {
    if (LITERALS.has(n.type)) return true;
    if (n.type === 'Identifier') return name(n);
    if (n.type === 'LogicalExpression') return isSafe(n.left as Node) && isSafe(n.right as Node);
    if (n.type === 'UnaryExpression') return n.operator === 'not' ? isSafe(n.argument as Node) : isNumeric(n);
    if (n.type !== 'BinaryExpression') return false;
    const op = n.operator as string;
    const [l, r] = [n.left as Node, n.right as Node];
    if (ARITH.has(op) || ORDER.has(op)) return isNumeric(l) && isNumeric(r);
    if (op !== '==' && op !== '~=') return false;
    // No __eq can run when one side is a literal; otherwise both sides must be numbers.
    if (LITERALS.has(l.type) || LITERALS.has(r.type)) return isSafe(l) && isSafe(r);
    return isNumeric(l) && isNumeric(r);
  };
  if (!isSafe(exprs[0])) return undefined;
  return { args: [...used], numeric: [...numeric], cond };
}

/**
 * The Lua loader of a guard (the agent runs it with math.type, its slow path and the guard's
 * enable flag): returns the probe method `(_, line, src, args...)`. The condition text is used
 * verbatim; its names are the method's parameters, so it reads exactly the values passed.
 */
export function guardCode(g: Guard): string {
  const params = ['__llmspell_s', '__llmspell_line', '__llmspell_src', ...g.args].join(', ');
  const checks = ['__llmspell_on[1]', ...g.numeric.map((n) => `__llmspell_mt(${n})`)].join(' and ');
  return [
    'local __llmspell_mt, __llmspell_slow, __llmspell_on = ...',
    `return function(${params})`,
    `  if ${checks} and not (${g.cond}\n) then return end`,
    '  __llmspell_slow(__llmspell_src, __llmspell_line)',
    'end',
  ].join('\n');
}

/**
 * The guards of one VM: a method name per (source, line, condition, locals passed), registered
 * with the agent (the `guard` command) the first time a load or re-instrumentation uses it and
 * kept for the VM's life (code loaded with it may run later; the agent turns a guard off whenever
 * its line's breakpoint no longer has its condition).
 */
export class GuardRegistry {
  private readonly methods = new Map<string, string>();
  private next = 1;

  /**
   * The probe calls for the lines of `conds` (line -> condition) in `text` whose condition can be
   * guarded; the registration of each new guard is appended to `out`.
   */
  calls(
    source: string,
    text: string,
    offsets: ReadonlyMap<number, number>,
    conds: ReadonlyMap<number, string>,
    out: AgentCommand[],
  ): Map<number, ProbeCall> {
    const calls = new Map<number, ProbeCall>();
    const at = new Map<number, number>();
    for (const line of conds.keys()) {
      const off = offsets.get(line);
      if (off !== undefined) at.set(off, line);
    }
    if (!at.size) return calls;
    let scopes: Map<number, string[]>;
    try {
      scopes = localsAt(text, new Set(at.keys()));
    } catch {
      return calls;
    }
    for (const [off, line] of at) {
      const cond = conds.get(line) as string;
      const guard = guardFor(cond, scopes.get(off) ?? []);
      if (!guard) continue;
      const key = `${source}\n${line}\n${guard.args.join(',')}\n${cond}`;
      let method = this.methods.get(key);
      if (method === undefined) {
        method = `${PROBE_METHOD}_g${this.next++}`;
        this.methods.set(key, method);
        out.push({ cmd: 'guard', source, line, method, cond, code: guardCode(guard) });
      }
      calls.set(line, { method, args: guard.args });
    }
    return calls;
  }
}
