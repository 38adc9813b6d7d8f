import { defineConfig } from 'drizzle-kit';

// generate only diffs the schema files, it never connects; the URL is unused but required by the kit.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema/index.ts',
  out: './drizzle',
  casing: 'snake_case',
});
