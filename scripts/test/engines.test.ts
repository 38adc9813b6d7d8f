import { readFileSync } from 'node:fs';

import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const json = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8')) as Record<string, unknown>;

interface LockEntry {
  version?: string;
  engines?: { node?: string } | string[];
}

describe('every installed package runs on the Node the README names', () => {
  const manifest = json('package.json') as { engines: { node: string } };
  // The oldest Node the project claims (">=20.19" -> 20.19.0): every dependency must accept it.
  const oldest = semver.minVersion(manifest.engines.node)!.version;

  it('the root declares Node 20', () => {
    expect(semver.major(oldest)).toBe(20);
  });

  it('no package in package-lock.json demands a newer Node (npm ci would warn EBADENGINE)', () => {
    const lock = json('package-lock.json') as { packages: Record<string, LockEntry> };
    const refusing = Object.entries(lock.packages)
      .filter(([, entry]) => !Array.isArray(entry.engines) && typeof entry.engines?.node === 'string')
      .filter(([, entry]) => !semver.satisfies(oldest, (entry.engines as { node: string }).node))
      .map(([path, entry]) => `${path}@${entry.version} needs node ${(entry.engines as { node: string }).node}`);
    expect(refusing).toEqual([]);
  });
});
