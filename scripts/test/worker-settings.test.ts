import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { workerEnv, workerNodeFlags } from '@roombook/worker/process-settings';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** docker-compose.yaml spells the worker's process settings out; they must stay those of process-settings.ts. */
describe("the worker's memory settings", () => {
  const compose = readFileSync(`${root}docker-compose.yaml`, 'utf8');
  const worker = compose.slice(compose.indexOf('\n  worker:\n'), compose.indexOf('\n  radicale:\n'));

  it('are the node flags of the compose worker', () => {
    const command = JSON.stringify(['node', ...workerNodeFlags, 'apps/worker/dist/main.js']).replaceAll('","', '", "');
    expect(worker).toContain(`command: ${command}`);
  });

  it('are in the compose worker environment', () => {
    for (const [name, value] of Object.entries(workerEnv)) expect(worker).toContain(`${name}: "${value}"`);
  });
});
