import { fileURLToPath } from 'node:url';
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

const packages = ['config', 'db', 'queue', 'zones', 'ical', 'booking', 'caldav', 'email', 'service', 'testing'];
const apps = ['api', 'worker', 'cli'];

/**
 * One vitest run for the whole monorepo: each workspace is a project, and one global setup starts
 * the private services the integration tests need (Radicale, a per-run PostgreSQL database).
 * Workspace packages resolve to their TypeScript sources through the `source` export condition,
 * so tests never run against a stale dist/.
 */
export default defineConfig({
  resolve: { conditions: ['source', ...defaultServerConditions] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  environments: { __vitest__: { resolve: { conditions: ['source', ...defaultServerConditions] } } },
  test: {
    globalSetup: [fileURLToPath(new URL('./packages/testing/src/global-setup.ts', import.meta.url))],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      ...packages.map((name) => ({
        extends: true as const,
        test: { name, root: `packages/${name}`, include: ['test/**/*.test.ts'] },
      })),
      ...apps.map((name) => ({
        extends: true as const,
        test: { name, root: `apps/${name}`, include: ['test/**/*.test.ts'] },
      })),
      // Repository-level checks and the scripts (`npm start`, `npm run demo`) run as child processes.
      { extends: true as const, test: { name: 'scripts', root: 'scripts', include: ['test/**/*.test.ts'] } },
    ],
  },
});
