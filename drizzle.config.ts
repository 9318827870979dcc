import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/catalogue/catalogue.schema.ts', './src/registry/registry.schema.ts', './src/imports/imports.schema.ts', './src/access/access.schema.ts', './src/audit/audit.schema.ts', './src/residents/residents.schema.ts', './src/sessions/sessions.schema.ts', './src/sessions/sessions.rollup.schema.ts'],
  out: './src/db/migrations',
});
