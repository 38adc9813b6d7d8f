import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
/** The shell examples, in the order a newcomer meets them. */
const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
const lines = blocks.flatMap((block) => block.split('\n')).filter((line) => !/^\s*#/.test(line));

describe('the README shell examples can be pasted on Linux, in order', () => {
  it('starts with the demo, then `npm test`', () => {
    expect(blocks[0]).toBe('npm ci\nnpm run demo\n');
    expect(blocks.find((b) => b.includes('npm test'))).toBe('npm test\n');
  });

  it('uses no macOS-only commands', () => {
    expect(lines.filter((line) => /(^|[;&|]\s*)open\s/.test(line.trim()))).toEqual([]);
    expect(lines.filter((line) => /\bpbcopy\b|\bdate -v/.test(line))).toEqual([]);
  });

  it('books no fixed date (it would be in the past soon): dates are computed with `date`', () => {
    expect(lines.filter((line) => /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(line.replace(/#.*$/, '')))).toEqual([]);
  });

  it('sets every variable before an example uses it', () => {
    const assigned = new Set<string>();
    const unset: string[] = [];
    for (const line of lines) {
      const code = line.replace(/\s#.*$/, '');
      // uses are checked before this line's assignments, except inside `$(…)` of the assignment itself
      for (const [, name] of code.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)/g)) if (!assigned.has(name!)) unset.push(`${name} in: ${line.trim()}`);
      for (const [, name] of code.matchAll(/(?:^|[\s;(])(?:export\s+)?([A-Z_][A-Z0-9_]*)=/g)) assigned.add(name!);
      for (const [, name] of code.matchAll(/\bread\s+(?:-\w+\s+(?:"[^"]*"\s+)?)*([A-Z_][A-Z0-9_]*)/g)) assigned.add(name!);
    }
    expect(unset).toEqual([]);
  });
});
