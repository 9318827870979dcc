import { integer, jsonb, pgTable, primaryKey, serial, text, timestamp } from 'drizzle-orm/pg-core';
import type { Outcome } from './imports.report.js';

/** One roster import run (dry runs are not logged; commits are). Counts: {new, updated, unchanged, invalid}. */
export const importLog = pgTable('import_log', {
  id: serial('id').primaryKey(),
  fileName: text('file_name').notNull(),
  fileHash: text('file_hash').notNull(),
  format: text('format').notNull(),
  rows: integer('rows').notNull(),
  counts: jsonb('counts').$type<Record<Outcome, number>>().notNull(),
  importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
  /** who imported (null = the CLI) and where the rows landed, so each officer sees their units' imports */
  userId: integer('user_id'),
  provinceCodes: text('province_codes').array().notNull().default([]),
  communeIds: integer('commune_ids').array().notNull().default([]),
});

/**
 * Column mappings an officer corrected in the web UI, remembered per file shape: `shapeKey` is a
 * hash of the normalised header cells, so the next file with the same header gets the same mapping.
 * `mapping` is { [columnIndex]: fieldName | null } over the header row found. Each unit keeps its own
 * (`ownerKey`), so one commune's correction never changes how another unit's files are read.
 */
export const importMappings = pgTable(
  'import_mappings',
  {
    shapeKey: text('shape_key').notNull(),
    /** whose correction it is: '' national (operator, admin), 'p:<province code>', 'c:<commune id>'; it applies at and below that unit */
    ownerKey: text('owner_key').notNull().default(''),
    headers: jsonb('headers').notNull(),
    mapping: jsonb('mapping').notNull(),
    userId: integer('user_id'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.shapeKey, t.ownerKey] })],
);
