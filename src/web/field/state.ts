/**
 * The shape of the field app's state (controller.ts keeps it; the components render it).
 */
import type { FieldContext } from '../../sessions/sessions.field.js';
import type { QueuedRecord } from './queue.js';
import type { FormState, Prefs } from './record.js';
import type { StoredUser } from './store.js';
import type { SyncState } from './sync.js';

export type Team = FieldContext['teams'][number];
export type View = 'boot' | 'signin' | 'password' | 'record';

/** The server's counts for the team, today and this week, as last fetched. */
export interface Summary {
  teamId: number;
  at: number;
  day: { sessions: number; headcount: number };
  week: { sessions: number; headcount: number };
}

export interface FieldState {
  view: View;
  online: boolean;
  user: StoredUser | null;
  ctx: FieldContext | null;
  prefs: Prefs;
  form: FormState;
  /** a new number for every new form (fresh, or a refused record to edit): parts keeping their own state start again */
  formKey: number;
  editingId: string | null;
  /** the user's records not on the server, oldest first */
  queue: QueuedRecord[];
  sync: SyncState;
  summary: Summary | null;
  /** the message under the form (an error with the field it is about, or "Đã lưu" with ok) */
  message: { text: string; ok: boolean; field?: string };
  /** why the sign-in page is shown (session ended, first use offline…), or null */
  signinNote: string | null;
  /** the clock the "now" of the form shows (corrected by clockOffsetMs); ticks every minute */
  now: number;
  /** the phone's clock minus the server's at the last sync, ms (kept in IndexedDB); 0 before any */
  clockOffsetMs: number;
  /** the record just saved, which "Hoàn tác" removes from the phone while it is not yet sent; else null */
  undoId: string | null;
}
