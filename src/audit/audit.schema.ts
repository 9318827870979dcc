import { bigserial, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Append-only audit log: every write and every refused access, written in the same transaction
 * as the change. A database trigger (migration 0001) refuses UPDATE and DELETE on this table.
 * `provinceCode`/`communeId` place the entry in the unit tree so officers see their units' log;
 * a refused request is placed at the requester's unit and, through `targetProvinceCode`/
 * `targetCommuneId`, at the unit it aimed at, so both units' officers see it.
 * Personal data (phones, ID numbers) is never written here in clear: services pass masked values.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    userId: integer('user_id'),
    ip: text('ip'),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id'),
    provinceCode: text('province_code'),
    communeId: integer('commune_id'),
    targetProvinceCode: text('target_province_code'),
    targetCommuneId: integer('target_commune_id'),
    before: jsonb('before'),
    after: jsonb('after'),
  },
  (t) => [
    index('audit_log_province_idx').on(t.provinceCode, t.at),
    index('audit_log_commune_idx').on(t.communeId, t.at),
    index('audit_log_target_province_idx').on(t.targetProvinceCode, t.at),
    index('audit_log_target_commune_idx').on(t.targetCommuneId, t.at),
    /** a record's history (a member's or team's page) */
    index('audit_log_entity_idx').on(t.entity, t.entityId, t.at),
  ],
);
