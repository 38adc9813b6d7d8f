/**
 * Runs every benchmark module (packages/*\/bench/*.bench.ts, apps/*\/bench/*.bench.ts) in turn.
 * Each module exports `run(): Promise<void>` and prints its own figures. Benchmarks, not tests,
 * carry the speed targets: timings on a shared 2-core machine are too noisy to fail a build on.
 */
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const only = process.argv[2];

async function benchFiles(): Promise<string[]> {
  const files: string[] = [];
  for (const group of ['packages', 'apps']) {
    for (const name of await readdir(join(root, group))) {
      const dir = join(root, group, name, 'bench');
      const entries = await readdir(dir).catch(() => [] as string[]);
      for (const entry of entries.sort()) if (entry.endsWith('.bench.ts')) files.push(join(dir, entry));
    }
  }
  return files;
}

for (const file of await benchFiles()) {
  if (only && !file.includes(only)) continue;
  console.log(`\n## ${relative(root, file)}`);
  const module = (await import(pathToFileURL(file).href)) as { run: () => Promise<void> };
  await module.run();
}
