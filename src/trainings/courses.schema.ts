import { sql } from 'drizzle-orm';
import { date, index, integer, pgTable, serial, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { users } from '../access/access.schema.js';
import { adminUnits } from '../catalogue/catalogue.schema.js';
import { members } from '../registry/registry.schema.js';

/**
 * The national online digital-skills courses (issue 14, item 5) as data, seeded by migration 0017:
 * "Bình dân học vụ số", "OneTouch — Kỹ năng số cộng đồng", "MobiEdu". `aliases` are the other
 * ways course administrators write the name ("BDHVS", "Kỹ năng số cộng đồng (OneTouch)"); a name
 * in a file maps to a code by `courses.columns.ts` `CourseMatcher` (accents, case, spacing ignored).
 */
export const nationalCourses = pgTable('national_courses', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  provider: text('provider'),
  aliases: text('aliases').array().notNull().default([]),
  sortOrder: smallint('sort_order').notNull().default(100),
});

/** One committed completion-list import (dry runs are not logged): rows read, matched and unmatched completions. */
export const courseImports = pgTable('course_imports', {
  id: serial('id').primaryKey(),
  provinceCode: text('province_code').notNull(),
  fileName: text('file_name').notNull(),
  /** data rows read below the header (skipped and refused rows included) */
  rows: integer('rows').notNull(),
  matched: integer('matched').notNull(),
  unmatched: integer('unmatched').notNull(),
  userId: integer('user_id').references(() => users.id),
  importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * One completion of a national course by a person, as the course administrator's list gave it:
 * the name, phone (E.164) and unit as written, the commune the unit resolved to (null: not
 * resolved), and the member it was matched to (`matchKind` phone, or name + birth year + commune;
 * null: a resident who is not a member, still counted per commune). A certificate number is
 * unique per course; `sourceSheet`/`sourceRow` say where in which import it came from.
 */
export const courseCompletions = pgTable(
  'course_completions',
  {
    id: serial('id').primaryKey(),
    provinceCode: text('province_code').notNull(),
    communeId: integer('commune_id').references(() => adminUnits.id),
    courseCode: text('course_code').notNull().references(() => nationalCourses.code),
    fullName: text('full_name').notNull(),
    nameKey: text('name_key').notNull(),
    phone: text('phone'),
    birthYear: smallint('birth_year'),
    unitText: text('unit_text'),
    completedOn: date('completed_on').notNull(),
    /** upper case, without spaces ("BDHVS-2025-000123") */
    certificateNo: text('certificate_no'),
    memberId: integer('member_id').references(() => members.id),
    matchKind: text('match_kind', { enum: ['phone', 'name_birth_commune'] }),
    importId: integer('import_id').notNull().references(() => courseImports.id),
    sourceSheet: text('source_sheet').notNull(),
    sourceRow: integer('source_row').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('course_completions_certificate_uq').on(t.courseCode, t.certificateNo).where(sql`${t.certificateNo} is not null`),
    index('course_completions_commune_idx').on(t.communeId, t.completedOn),
    index('course_completions_province_idx').on(t.provinceCode, t.completedOn),
    index('course_completions_member_idx').on(t.memberId),
  ],
);
