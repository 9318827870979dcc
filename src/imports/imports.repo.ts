import { desc } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { importLog } from './imports.schema.js';

/** The newest `limit` committed imports. */
export function importLogEntries(db: Db, limit: number) {
  return db.select().from(importLog).orderBy(desc(importLog.id)).limit(limit);
}
