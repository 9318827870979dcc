import { sql } from 'drizzle-orm';
import { index, integer, pgTable, serial, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { adminUnits } from '../catalogue/catalogue.schema.js';

/**
 * Residents who asked for or received help. Phone and citizen ID (CCCD) are personal data
 * (Decree 13/2023/ND-CP): stored only encrypted (`*Enc`, AES-256-GCM, see privacy/protector.ts)
 * with a keyed hash (`*Hash`, HMAC-SHA256) for matching and counting people. They are kept only
 * with a recorded consent (purpose and time). Erasure blanks the identifying fields and keeps the
 * row (commune, gender, birth year), so aggregates stay intact.
 */
export const residents = pgTable(
  'residents',
  {
    id: serial('id').primaryKey(),
    communeId: integer('commune_id')
      .notNull()
      .references(() => adminUnits.id),
    fullName: text('full_name'),
    gender: text('gender', { enum: ['male', 'female'] }),
    birthYear: smallint('birth_year'),
    phoneEnc: text('phone_enc'),
    phoneHash: text('phone_hash'),
    nationalIdEnc: text('national_id_enc'),
    nationalIdHash: text('national_id_hash'),
    consentPurpose: text('consent_purpose'),
    consentAt: timestamp('consent_at', { withTimezone: true }),
    createdBy: integer('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    erasedAt: timestamp('erased_at', { withTimezone: true }),
  },
  (t) => [index('residents_commune_idx').on(t.communeId), 
    // one person, one resident (migration 0013): unique nationwide within the installation, see residents.service.ts
    uniqueIndex('residents_phone_hash_key').on(t.phoneHash).where(sql`phone_hash is not null`),
    uniqueIndex('residents_national_id_hash_key').on(t.nationalIdHash).where(sql`national_id_hash is not null`),
  ],
);
