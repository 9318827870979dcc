import { integer, jsonb, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';

/** One roster import run (dry runs are not logged; commits are). Counts: {new, updated, unchanged, invalid}. */
export const importLog = pgTable('import_log', {
  id: serial('id').primaryKey(),
  fileName: text('file_name').notNull(),
  fileHash: text('file_hash').notNull(),
  format: text('format').notNull(),
  rows: integer('rows').notNull(),
  counts: jsonb('counts').notNull(),
  importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
  /** who imported (null = the CLI) and where the rows landed, so each officer sees their units' imports */
  userId: integer('user_id'),
  provinceCodes: text('province_codes').array().notNull().default([]),
  communeIds: integer('commune_ids').array().notNull().default([]),
});
