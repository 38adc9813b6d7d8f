/**
 * MJML reports lines of the MJML it compiled, i.e. after Liquid ran; `{% if %}` branches that were
 * not taken and loops shift those lines. To point the admin at the right line of what they wrote,
 * look the offending rendered line up in the template source:
 * 1. a source line with exactly the same (trimmed) text, if there is exactly one;
 * 2. else the only source line that opens the offending tag (`<mj-txt`), if there is exactly one;
 * 3. else undefined (the caller then quotes the rendered line instead).
 */
export function sourceLineOf(source: string, rendered: string, renderedLine: number, tagName?: string): number | undefined {
  const renderedText = rendered.split('\n')[renderedLine - 1]?.trim();
  const sourceLines = source.split('\n').map((l) => l.trim());
  if (renderedText) {
    const same = indexesWhere(sourceLines, (l) => l === renderedText);
    if (same.length === 1 && same[0] !== undefined) return same[0] + 1;
  }
  if (tagName) {
    const opening = new RegExp(`<${escapeRegExp(tagName)}(?=[\\s/>]|$)`);
    const opens = indexesWhere(sourceLines, (l) => opening.test(l));
    if (opens.length === 1 && opens[0] !== undefined) return opens[0] + 1;
  }
  return undefined;
}

/** The rendered line, shortened for an error message. */
export function excerpt(rendered: string, line: number): string {
  const text = rendered.split('\n')[line - 1]?.trim() ?? '';
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function indexesWhere(lines: string[], predicate: (line: string) => boolean): number[] {
  const found: number[] = [];
  lines.forEach((line, i) => {
    if (predicate(line)) found.push(i);
  });
  return found;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
