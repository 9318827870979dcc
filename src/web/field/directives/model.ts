/** The directives screen's pure rules (directives.tsx): the phone's view of its inbox, and numbers as typed. */
import type { InboxDirective } from '../../../directives/directives.board.js';
import type { Outgoing } from './store.js';

/** The inbox as the phone knows it: the server's copy with the steps still waiting in the outbox applied (a report made offline stays done after a reload). */
export function withPending(list: InboxDirective[], out: Outgoing[]): InboxDirective[] {
  return list.map((d) => {
    let x = d;
    for (const o of out.filter((q) => q.record.directiveId === d.id && q.status === 'pending').sort((a, b) => (a.record.at < b.record.at ? -1 : 1))) {
      const r = o.record;
      x = { ...x, readAt: x.readAt ?? r.at, willDoAt: r.status !== 'read' ? x.willDoAt ?? r.at : x.willDoAt, doneAt: r.status === 'done' ? x.doneAt ?? r.at : x.doneAt, ...(r.channels ? { channels: r.channels } : {}), ...(r.households !== undefined ? { households: r.households } : {}), ...(r.figure !== undefined ? { figure: r.figure } : {}) };
    }
    return x;
  });
}
/** A number as Vietnamese write it: "1.200" is one thousand two hundred, "2,5" two and a half; null when it is not one. */
export function readNumber(text: string): number | null {
  const t = text.trim().replace(/\s/g, '');
  if (!/^\d{1,3}(\.\d{3})*(,\d+)?$|^\d+(,\d+)?$/.test(t)) return null;
  return Number(t.replace(/\./g, '').replace(',', '.'));
}
