/**
 * Parts of the record form that keep a common session on one phone screen (issue 13, item 1):
 * the team's members folded to "Tôi + N", the chosen services' outcomes as large labelled buttons
 * (no drop-down whose label the screen cuts), the confirmation that says in words what will be
 * recorded, and the "Đã lưu" notice with its undo, fixed where the member is looking.
 */
import { useRef, useState } from 'preact/hooks';
import type { FieldContext } from '../../sessions/sessions.field.js';
import type { FieldApp, FieldState } from './controller.js';
import { type FormState, outcomeOrder, type Prefs } from './record.js';

type Team = FieldContext['teams'][number];

/** "Tôi + 2" (the signed-in member first), or the names when the member is not among them. */
export function membersSummary(team: Team | null, memberIds: readonly number[], me: number | null): string {
  if (memberIds.length === 0) return 'Chưa chọn ai';
  const mine = me !== null && memberIds.includes(me);
  if (mine) return memberIds.length === 1 ? 'Tôi' : `Tôi + ${memberIds.length - 1}`;
  const names = (team?.members ?? []).filter((m) => memberIds.includes(m.id)).map((m) => m.fullName);
  return names.length <= 2 ? names.join(', ') : `${names[0]} + ${names.length - 1}`;
}

/** Who did it: folded to one line with a tap to change, open when the member is not the one signed in. */
export function MembersField({ app, team, form, me }: { app: FieldApp; team: Team | null; form: FormState; me: number | null }) {
  const [open, setOpen] = useState(() => me === null || !form.memberIds.includes(me));
  return (
    <fieldset class="field">
      <legend>Ai thực hiện</legend>
      {!open && (
        <button id="members-toggle" type="button" class="who-btn" aria-expanded="false" onClick={() => setOpen(true)}>
          <span id="members-summary">{membersSummary(team, form.memberIds, me)}</span>
          <span class="who-change">Đổi</span>
        </button>
      )}
      <div id="members" class="chips" hidden={!open}>
        {(team?.members ?? []).map((m) => (
          <button key={m.id} type="button" class="chip" data-member={String(m.id)} aria-pressed={form.memberIds.includes(m.id) ? 'true' : 'false'} onClick={() => app.toggleMember(m.id)}>
            {m.id === me ? `${m.fullName} (tôi)` : m.fullName}
          </button>
        ))}
        {!team?.members.length && <p class="note">Tổ chưa có thành viên trong sổ.</p>}
      </div>
    </fieldset>
  );
}

/** Each chosen service with its outcomes as buttons (recent choices of this service first; none preselected beyond the lowest). */
export function OutcomePickers({ app, ctx, form, prefs }: { app: FieldApp; ctx: FieldContext; form: FormState; prefs: Prefs }) {
  // the service tapped last shows its outcome buttons; the others fold to one line (a tap opens one)
  const [openCode, setOpenCode] = useState<string | null>(null);
  // the last service when a folded one was opened: tapping a new service opens the new one instead
  const lastAtOpen = useRef<string | null>(null);
  if (form.services.length === 0) return null;
  const label = new Map(ctx.outcomes.map((o) => [o.code, o.label]));
  const name = new Map(ctx.services.map((s) => [s.code, s.name]));
  const last = form.services[form.services.length - 1].code;
  const open = openCode !== null && form.services.some((s) => s.code === openCode) && lastAtOpen.current === last ? openCode : last;
  return (
    <div id="outcomes">
      {form.services.map((s) =>
        s.code !== open ? (
          <button key={s.code} type="button" class="svc-out-line" data-code={s.code} onClick={() => { lastAtOpen.current = last; setOpenCode(s.code); }}>
            {`${name.get(s.code) ?? s.code}: ${(label.get(s.outcome) ?? s.outcome).toLowerCase()}`}
            <span class="who-change">Đổi</span>
          </button>
        ) : (
        <div key={s.code} class="svc-out" data-code={s.code} role="radiogroup" aria-label={`Kết quả: ${name.get(s.code) ?? s.code}`}>
          <p class="svc-out-name">{`${name.get(s.code) ?? s.code}: kết quả`}</p>
          <div class="out-grid">
            {outcomeOrder(prefs, s.code, ctx.outcomes.map((o) => o.code)).map((o) => (
              <button key={o} type="button" class="out-btn" role="radio" data-outcome={o} aria-checked={s.outcome === o ? 'true' : 'false'} onClick={() => app.setOutcome(s.code, o)}>
                {label.get(o)}
              </button>
            ))}
          </div>
        </div>
        ),
      )}
    </div>
  );
}

/**
 * What the record says, in words, one line per service: "Định danh điện tử VNeID: đã kích hoạt
 * định danh điện tử mức 2 — 12 người" (a group's count, else one person).
 */
export function recordLines(ctx: FieldContext, form: FormState): string[] {
  const label = new Map(ctx.outcomes.map((o) => [o.code, o.label]));
  const name = new Map(ctx.services.map((s) => [s.code, s.name]));
  const people = form.kind === 'group' ? Number(form.residentsCount) || 0 : 1;
  return form.services.map((s) => {
    const outcome = label.get(s.outcome) ?? s.outcome;
    return `${name.get(s.code) ?? s.code}: ${outcome.charAt(0).toLowerCase()}${outcome.slice(1)} — ${people} người`;
  });
}

/** The confirmation before saving, above the save button: the lines in words, "Lưu" and "Sửa lại". */
export function ConfirmBox({ lines, onConfirm, onBack }: { lines: string[]; onConfirm: () => void; onBack: () => void }) {
  return (
    <div id="confirm" class="confirm" role="dialog" aria-labelledby="confirm-title">
      <p id="confirm-title" class="confirm-title">Sẽ ghi:</p>
      <ul id="confirm-lines">
        {lines.map((l) => (
          <li key={l}>{l}</li>
        ))}
      </ul>
      <div class="confirm-actions">
        <button id="confirm-back" type="button" class="ghost" onClick={onBack}>
          Sửa lại
        </button>
        <button id="confirm-save" type="button" class="primary big" onClick={onConfirm}>
          Đúng, lưu
        </button>
      </div>
    </div>
  );
}

/** "Đã lưu …" fixed at the top of the screen, with "Hoàn tác" while the record is still on the phone. */
export function SavedNotice({ app, state }: { app: FieldApp; state: FieldState }) {
  const { message, undoId } = state;
  if (!message.ok || !message.text) return null;
  const canUndo = undoId !== null && state.queue.some((q) => q.id === undoId && q.status === 'pending');
  return (
    <div id="saved" class="saved" role="status">
      <span id="saved-text">{message.text}</span>
      {canUndo && (
        <button id="undo" type="button" class="link" onClick={() => void app.undoSave()}>
          Hoàn tác
        </button>
      )}
    </div>
  );
}
