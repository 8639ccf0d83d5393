import type * as lp from 'luaparse';

/**
 * The expression walk shared by the syntax-tree passes (lintWalk.ts, refIndex.ts): one dispatch
 * over luaparse's expression types that visits every sub-expression once, in source order. A pass
 * overrides the hooks for what it records and calls the default (`super`) to continue below.
 */
export abstract class SyntaxWalker {
  protected expr(e: lp.Expression | null | undefined): void {
    if (!e) return;
    switch (e.type) {
      case 'Identifier':
        this.identifier(e);
        return;
      case 'MemberExpression':
        this.memberExpr(e);
        return;
      case 'IndexExpression':
        this.indexExpr(e);
        return;
      case 'CallExpression':
        this.callExpr(e);
        return;
      case 'StringCallExpression':
        // the argument is a string literal
        this.expr(e.base);
        return;
      case 'TableCallExpression':
        this.expr(e.base);
        this.expr(e.arguments);
        return;
      case 'FunctionDeclaration':
        this.functionExpr(e);
        return;
      case 'TableConstructorExpression':
        this.tableExpr(e);
        return;
      case 'LogicalExpression':
        this.logicalExpr(e);
        return;
      case 'BinaryExpression':
        this.expr(e.left);
        this.expr(e.right);
        return;
      case 'UnaryExpression':
        this.expr(e.argument);
        return;
      default:
        return;
    }
  }

  /** A name read. */
  protected identifier(_e: lp.Identifier): void {}

  protected memberExpr(e: lp.MemberExpression): void {
    this.expr(e.base);
  }

  protected indexExpr(e: lp.IndexExpression): void {
    this.expr(e.base);
    this.expr(e.index);
  }

  protected callExpr(e: lp.CallExpression): void {
    this.expr(e.base);
    for (const a of e.arguments) this.expr(a);
  }

  /** A function value (its body is the pass's own business). */
  protected functionExpr(_e: lp.FunctionDeclaration): void {}

  protected tableExpr(e: lp.TableConstructorExpression): void {
    for (const f of e.fields) {
      if (f.type === 'TableKey') this.expr(f.key);
      this.expr(f.value);
    }
  }

  protected logicalExpr(e: lp.LogicalExpression): void {
    this.expr(e.left);
    this.expr(e.right);
  }
}
