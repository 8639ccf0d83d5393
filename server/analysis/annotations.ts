import type { ApiMember, DocBlock, ParamInfo, ReturnInfo, Span } from './types';

/** A `---` comment line: its text after the dashes and its span. */
export interface DocLine {
  text: string;
  span: Span;
  line: number;
}

const TYPE_RE =
  /^([\w.]+(?:<[^>]*>)?(?:\[\])?(?:\s*\|\s*[\w.]+(?:<[^>]*>)?(?:\[\])?)*\??|fun\([^)]*\)(?::\s*[\w.|?]+)?|\{[^}]*\}|"[^"]*"|'[^']*')/;

function splitType(rest: string): { type: string; after: string } {
  const r = rest.trim();
  const m = TYPE_RE.exec(r);
  if (!m) return { type: 'any', after: r };
  return { type: m[1], after: r.slice(m[1].length).trim() };
}

function cleanDoc(s: string): string | undefined {
  const t = s.replace(/^[#@]\s*/, '').trim();
  return t.length ? t : undefined;
}

/** Parse consecutive `---` lines (in order) into a DocBlock. */
export function parseDocBlock(lines: DocLine[]): DocBlock {
  const block: DocBlock = {
    description: '',
    params: [],
    returns: [],
    classParents: [],
    fields: [],
    aliases: [],
    span: lines.length
      ? { start: lines[0].span.start, end: lines[lines.length - 1].span.end }
      : { start: 0, end: 0 },
  };
  const desc: string[] = [];
  for (const l of lines) {
    const t = l.text.replace(/^\s?/, '');
    if (!t.startsWith('@')) {
      desc.push(t);
      continue;
    }
    const m = /^@(\w+)\s*(.*)$/.exec(t);
    if (!m) continue;
    const [, tag, rest] = m;
    switch (tag) {
      case 'param': {
        const pm = /^([\w.]+|\.\.\.)(\?)?\s*(.*)$/.exec(rest);
        if (!pm) break;
        const { type, after } = splitType(pm[3]);
        const p: ParamInfo = {
          name: pm[1],
          type,
          optional: !!pm[2] || type.endsWith('?'),
          doc: cleanDoc(after),
        };
        block.params.push(p);
        break;
      }
      case 'return': {
        const { type, after } = splitType(rest);
        const nm = /^([A-Za-z_]\w*)\s*(.*)$/.exec(after);
        const r: ReturnInfo = nm
          ? { type, name: nm[1], doc: cleanDoc(nm[2]) }
          : { type, doc: cleanDoc(after) };
        block.returns.push(r);
        break;
      }
      case 'class': {
        const cm = /^([\w.]+)\s*(?::\s*([\w.,\s]+))?/.exec(rest);
        if (cm) {
          block.className = cm[1];
          block.classParents = cm[2]
            ? cm[2]
                .split(',')
                .map((x) => x.trim())
                .filter(Boolean)
            : [];
        }
        break;
      }
      case 'field': {
        const fm = /^(?:(public|private|protected)\s+)?([\w]+)(\?)?\s*(.*)$/.exec(rest);
        if (!fm) break;
        const { type, after } = splitType(fm[4]);
        const isFun = type.startsWith('fun(');
        const f: ApiMember = {
          name: fm[2],
          kind: isFun ? 'function' : 'field',
          type,
          doc: cleanDoc(after),
          origin: 'workspace',
        };
        if (isFun) {
          const fp = /^fun\(([^)]*)\)(?::\s*(.+))?$/.exec(type);
          if (fp) {
            f.params = fp[1]
              .split(',')
              .map((x) => x.trim())
              .filter(Boolean)
              .map((x) => {
                const [n, ty] = x.split(':').map((y) => y.trim());
                return { name: n.replace(/\?$/, ''), type: ty ?? 'any', optional: n.endsWith('?') };
              });
            if (fp[2]) f.returns = [{ type: fp[2] }];
          }
        }
        block.fields.push(f);
        break;
      }
      case 'type':
        block.type = splitType(rest).type;
        break;
      case 'alias': {
        const am = /^([\w.]+)\s*(.*)$/.exec(rest);
        if (am) block.aliases.push({ name: am[1], type: am[2].trim() || 'any' });
        break;
      }
      default:
        break;
    }
  }
  block.description = desc.join('\n').trim();
  return block;
}

/** `---@diagnostic disable-next-line: a, b` and friends. */
export interface DiagnosticDirective {
  action: 'disable-next-line' | 'disable-line' | 'disable' | 'enable';
  codes: string[] | 'all';
  line: number;
}

export function parseDiagnosticDirective(text: string, line: number): DiagnosticDirective | undefined {
  const m = /^-?\s*@diagnostic\s+(disable-next-line|disable-line|disable|enable)\s*(?::\s*(.*))?$/.exec(
    text.trim(),
  );
  if (!m) return undefined;
  const codes = m[2]
    ? m[2]
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : [];
  return { action: m[1] as DiagnosticDirective['action'], codes: codes.length ? codes : 'all', line };
}
