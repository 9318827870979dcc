import type { SupportReport } from './sessions.report.js';
import { SESSION_KINDS, type SessionKind } from './sessions.vocabulary.js';

/**
 * The sessions of a support report broken down two ways, never mixed in one sum (issue 13,
 * item 9): by kind (home, group, help desk) and by place (at the commune's public-service centre,
 * elsewhere: a home, a village hall…). Every session has one kind and one place, so each list adds
 * up to the report's `sessions` on its own; a kind and a place are two views of the same sessions.
 * Pure: the dashboard (browser) and the export use it.
 */
export interface Breakdown {
  kinds: { code: SessionKind; label: string; sessions: number }[];
  places: { code: 'centre' | 'elsewhere'; label: string; sessions: number }[];
  /** the report's sessions: the total of each list */
  total: number;
}

export const PLACE_LABELS = { centre: 'Tại Trung tâm phục vụ hành chính công', elsewhere: 'Nơi khác (nhà dân, thôn, bản, tổ dân phố…)' } as const;

/** The two breakdowns of `report`'s sessions (byKind and atServiceCentre), each totalling `sessions`. */
export function sessionBreakdown(report: Pick<SupportReport, 'sessions' | 'byKind' | 'atServiceCentre'>): Breakdown {
  return {
    kinds: (Object.keys(SESSION_KINDS) as SessionKind[]).map((code) => ({ code, label: SESSION_KINDS[code], sessions: report.byKind[code] })),
    places: [
      { code: 'centre', label: PLACE_LABELS.centre, sessions: report.atServiceCentre },
      { code: 'elsewhere', label: PLACE_LABELS.elsewhere, sessions: report.sessions - report.atServiceCentre },
    ],
    total: report.sessions,
  };
}
