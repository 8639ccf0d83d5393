/** Rendering of Jupyter outputs (MIME bundles) as terminal text. */

export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}

function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|tr|li|h[1-6])>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
}

/** The best text rendering of a MIME bundle. */
export function renderMimeBundle(data: Record<string, unknown>): string {
  const str = (k: string): string | undefined =>
    typeof data[k] === 'string' ? (data[k] as string) : undefined;
  const plain = str('text/plain');
  const md = str('text/markdown');
  const html = str('text/html');
  if (md !== undefined) return md;
  if (html !== undefined && (plain === undefined || plain.startsWith('<'))) return htmlToText(html);
  if (plain !== undefined) return plain;
  if (data['application/json'] !== undefined) return JSON.stringify(data['application/json'], null, 2);
  for (const [mime, value] of Object.entries(data)) {
    if (mime.startsWith('image/')) {
      const size = typeof value === 'string' ? Math.floor((value.length * 3) / 4) : 0;
      return `[${mime} image, ${size} bytes]`;
    }
  }
  const kinds = Object.keys(data);
  return kinds.length ? `[${kinds.join(', ')}]` : '';
}
