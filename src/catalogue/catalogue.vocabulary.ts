/**
 * Names of the catalogue's unit levels as pages show them (browser-safe: no database, no node:).
 * The levels are those of `admin_units.level` (catalogue.schema.ts).
 */
export const UNIT_LEVELS = { province: 'Cấp tỉnh', district: 'Huyện (cũ)', commune: 'Cấp xã', village: 'Thôn, bản, tổ dân phố' } as const;
export type UnitLevel = keyof typeof UNIT_LEVELS;
