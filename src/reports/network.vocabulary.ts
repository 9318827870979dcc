/**
 * The network report's own vocabulary, with its Vietnamese labels (browser-safe: the office UI
 * imports it). Genders and affiliations are the registry's (registry/registry.vocabulary.ts).
 */

/** Age bands of members, by their birth year this year (`unknown`: no birth year). */
export const AGE_BANDS = { to_30: 'Đến 30 tuổi', '31_45': '31–45 tuổi', '46_60': '46–60 tuổi', over_60: 'Trên 60 tuổi', unknown: 'Không rõ' } as const;
export type AgeBand = keyof typeof AGE_BANDS;

/** A member's gender as counted by the report: the registry's two, or not known. */
export const UNKNOWN_GENDER = 'Không rõ';

/** Memberships with no affiliation, in the report's breakdown. */
export const NO_AFFILIATION = 'Không thuộc đoàn thể';
