import type { RuntimeHandle } from '../kernel/runtime/types';

/** A variable of JupyterLab's variable explorer (inspectVariables / variables responses). */
export interface IdleVariable {
  name: string;
  value: string;
  type: string;
  evaluateName: string;
  variablesReference: number;
}

/** References handed out here start above any the DAP session uses. */
const FIRST_REF = 1_000_000;
/** Children listed per table (array part and name keys each). */
const MAX_CHILDREN = 200;

/**
 * JupyterLab's variable explorer while nothing is stopped: the user's globals, with tables
 * expandable. A reference stands for the Lua expression that reaches the table (`t`, `t.inner`,
 * `t[2]`); expanding it lists the array part (`t[1]` .. `t[#t]`) and the name keys the runtime's
 * completion knows (other keys are left out). References are valid until the next inspectVariables.
 */
export class IdleInspector {
  private readonly refs = new Map<number, string>();
  private next = FIRST_REF;

  constructor(private readonly runtime: RuntimeHandle) {}

  /** True for references this inspector handed out. */
  owns(ref: number): boolean {
    return this.refs.has(ref);
  }

  /** The user's globals (a fresh set of references). */
  async globals(): Promise<IdleVariable[]> {
    this.refs.clear();
    const out: IdleVariable[] = [];
    for (const name of await this.runtime.globals()) out.push(await this.variable(name, name));
    return out;
  }

  /** The children of a table reference. */
  async children(ref: number): Promise<IdleVariable[]> {
    const expr = this.refs.get(ref);
    if (expr === undefined) return [];
    const out: IdleVariable[] = [];
    const len = Number((await this.runtime.inspect(`#${expr}`)).text);
    const n = Number.isInteger(len) ? Math.min(len, MAX_CHILDREN) : 0;
    for (let i = 1; i <= n; i++) out.push(await this.variable(`[${i}]`, `${expr}[${i}]`));
    const names = (await this.runtime.complete(`${expr}.`)).matches.slice(0, MAX_CHILDREN);
    for (const key of names) out.push(await this.variable(key, `${expr}.${key}`));
    return out;
  }

  private async variable(name: string, expr: string): Promise<IdleVariable> {
    const v = await this.runtime.inspect(expr);
    let ref = 0;
    if (v.type === 'table') {
      ref = this.next++;
      this.refs.set(ref, expr);
    }
    return { name, value: v.text, type: v.type, evaluateName: expr, variablesReference: ref };
  }
}

/** A source the Kernel Sources panel lists (the `modules` request). */
export interface ModuleSource {
  path: string;
  name: string;
}

/** The `modules` response body: ids are positions in the full list, startModule/moduleCount page it. */
export function modulesBody(
  all: ModuleSource[],
  args: Record<string, unknown>,
): { modules: Array<{ id: number; name: string; path: string }>; totalModules: number } {
  const start = typeof args.startModule === 'number' && args.startModule > 0 ? args.startModule : 0;
  const count = typeof args.moduleCount === 'number' && args.moduleCount > 0 ? args.moduleCount : all.length;
  const modules = all
    .slice(start, start + count)
    .map((m, i) => ({ id: start + i, name: m.name, path: m.path }));
  return { modules, totalModules: all.length };
}
