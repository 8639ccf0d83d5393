import { HostError } from './types';

/**
 * The json-query tool's paths: "." (everything), ".a.b", ".items[0]", '.["odd key"]',
 * ".items[*].name" (map over an array), ".items[-1]" (from the end). Missing parts give null.
 */

type Step = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'all' };

function parse(query: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  const q = query.trim();
  if (q === '' || q === '.') return steps;
  const fail = (what: string): never => {
    throw new HostError(`json-query: ${what} at position ${i + 1} in '${query}'`);
  };
  while (i < q.length) {
    if (q[i] === '.') {
      i++;
      if (q[i] === '[' || i >= q.length) continue;
      const m = /^[A-Za-z0-9_$-]+/.exec(q.slice(i));
      if (!m) fail('expected a key');
      steps.push({ kind: 'key', key: m![0] });
      i += m![0].length;
    } else if (q[i] === '[') {
      const close = q.indexOf(']', i);
      if (close < 0) fail("missing ']'");
      const inner = q.slice(i + 1, close).trim();
      if (inner === '*' || inner === '') steps.push({ kind: 'all' });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if (/^"(.*)"$|^'(.*)'$/.test(inner)) steps.push({ kind: 'key', key: inner.slice(1, -1) });
      else fail(`bad subscript [${inner}]`);
      i = close + 1;
    } else {
      const m = /^[A-Za-z0-9_$-]+/.exec(q.slice(i));
      if (!m || i !== 0) fail(`unexpected '${q[i]}'`);
      steps.push({ kind: 'key', key: m![0] });
      i += m![0].length;
    }
  }
  return steps;
}

function apply(value: unknown, steps: Step[]): unknown {
  if (steps.length === 0) return value;
  const [step, ...rest] = steps;
  if (step.kind === 'all') {
    const items = Array.isArray(value)
      ? value
      : value && typeof value === 'object'
        ? Object.values(value as Record<string, unknown>)
        : [];
    return items.map((v) => apply(v, rest));
  }
  if (step.kind === 'index') {
    if (!Array.isArray(value)) return null;
    const v = value[step.index < 0 ? value.length + step.index : step.index];
    return v === undefined ? null : apply(v, rest);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const v = (value as Record<string, unknown>)[step.key];
  return v === undefined ? null : apply(v, rest);
}

export function jsonQuery(input: unknown, query: string): unknown {
  return apply(input, parse(query));
}
