/**
 * The one-screen record form of a support session: team (officers with several teams), who,
 * when, where, how (home / group / help desk), the resident (optional, name and phone only with
 * consent), the services with their outcome (recently used first), a note. The state is the
 * FieldApp's form (controller.ts); saving checks it with record.ts and queues it on the phone.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { FieldContext } from '../../sessions/sessions.field.js';
import { GENDERS } from '../../registry/registry.vocabulary.js';
import type { FieldApp, FieldState } from './controller.js';
import { KindIcon, ServiceIcon } from '../shared/icons.js';
import { visibleLength } from '../../text/measure.js';
import { byRecent, CENTRE, type FormState, type Kind, NOTE_MAX, outcomeOrder, type Prefs } from './record.js';
import { WhenField } from './when-field.js';
import { ConfirmBox, MembersField, OutcomePickers, recordLines, SavedNotice } from './record-parts.js';
import { checkNationalId } from '../../residents/national-id.js';

/** Short labels of the kinds for the buttons (the full ones, from the server's SESSION_KINDS, are their titles). */
/** How many service buttons show before "Dịch vụ khác" (two rows of three on a phone). */
const FIRST_SERVICES = 6;

const SHORT_KINDS: Record<string, string> = { home: 'Tại nhà', group: 'Nhóm', help_desk: 'Bàn hỗ trợ' };

const text = (e: Event) => (e.currentTarget as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement).value;

/** The service buttons in the day's order; a chosen one is marked in place (its outcome is picked below the grid, record-parts.tsx). */
function ServiceGrid({ app, ctx, form, prefs }: { app: FieldApp; ctx: FieldContext; form: FormState; prefs: Prefs }) {
  // the day's fixed order (record.ts withDayOrder): a save does not move the buttons
  const order = prefs.order?.codes ?? [];
  const chosen = new Map(form.services.map((s) => [s.code, s.outcome]));
  // the day's first six fill one screen; the others open with one tap (and stay open while one of them is chosen)
  const [all, setAll] = useState(false);
  const sorted = byRecent(ctx.services, (s) => s.code, order);
  const hiddenChosen = sorted.slice(FIRST_SERVICES).some((s) => chosen.has(s.code));
  const shown = all || hiddenChosen ? sorted : sorted.slice(0, FIRST_SERVICES);
  return (
    <>
    <div id="services" class="svc-grid">
      {shown.map((s) => {
        const on = chosen.has(s.code);
        return (
          <div key={s.code} class="svc" data-code={s.code} data-on={on ? '1' : '0'}>
            <button type="button" class="svc-btn" aria-pressed={on ? 'true' : 'false'} onClick={() => app.toggleService(s.code)}>
              <ServiceIcon code={s.code} />
              <span class="svc-name">{s.name}</span>
            </button>
          </div>
        );
      })}
    </div>
    {shown.length < sorted.length && (
      <button id="more-services" type="button" class="link" onClick={() => setAll(true)}>
        {`Dịch vụ khác (${sorted.length - shown.length})`}
      </button>
    )}
    </>
  );
}

/** The optional resident details; open at first when the form already holds some (a refused record being corrected). */
function PersonBox({ app, ctx, resident, hidden }: { app: FieldApp; ctx: FieldContext; resident: FormState['resident']; hidden: boolean }) {
  const r = resident;
  const [open] = useState(() => !!(r.fullName || r.birthYear || r.gender || r.ethnicity || r.phone));
  return (
    <details id="person-box" class="field person" hidden={hidden} open={open}>
      <summary>Thông tin người dân (không bắt buộc)</summary>
      <div class="row">
        <div class="col">
          <label for="birth-year">Năm sinh</label>
          <input id="birth-year" type="number" inputMode="numeric" min={1900} max={2100} value={r.birthYear} onInput={(e) => app.setResident({ birthYear: text(e) })} />
        </div>
        <div class="col">
          <label for="gender">Giới tính</label>
          <select id="gender" value={r.gender} onChange={(e) => app.setResident({ gender: text(e) as FormState['resident']['gender'] })}>
            <option value="">—</option>
            {Object.entries(GENDERS).map(([code, label]) => (
              <option key={code} value={code}>
                {label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <label for="ethnicity">Dân tộc</label>
      <select id="ethnicity" value={r.ethnicity} onChange={(e) => app.setResident({ ethnicity: text(e) })}>
        <option value="">—</option>
        {ctx.ethnicGroups.map((g) => (
          <option key={g.code} value={g.code}>
            {g.name}
          </option>
        ))}
      </select>
      <label class="check">
        <input id="consent" type="checkbox" checked={r.consent} onChange={(e) => app.setResident({ consent: (e.currentTarget as HTMLInputElement).checked })} /> <span>Người dân đồng ý cho ghi họ tên, số điện thoại</span>
      </label>
      <label for="full-name">Họ và tên</label>
      <input id="full-name" autocomplete="off" maxLength={120} disabled={!r.consent} value={r.fullName} onInput={(e) => app.setResident({ fullName: text(e) })} />
      <label for="phone">Số điện thoại</label>
      <input id="phone" type="tel" inputMode="tel" autocomplete="off" maxLength={20} disabled={!r.consent} value={r.phone} onInput={(e) => app.setResident({ phone: text(e) })} />
      <NationalIdInput app={app} value={r.nationalId ?? ''} disabled={!r.consent} />
    </details>
  );
}

/** The CCCD input: the shared rules' hint under it (unknown province code, lost leading zeros with a "use 0…" button to confirm, reason). */
function NationalIdInput({ app, value, disabled }: { app: FieldApp; value: string; disabled: boolean }) {
  const c = value.trim() ? checkNationalId(value) : null;
  return (
    <>
      <label for="national-id">Số căn cước (12 chữ số)</label>
      <input id="national-id" inputMode="numeric" autocomplete="off" maxLength={20} disabled={disabled} value={value} onInput={(e) => app.setResident({ nationalId: text(e) })} />
      {c?.kind === 'ok' && c.warning && <p class="hint" id="national-id-hint">{c.warning}</p>}
      {c?.kind === 'invalid' && value.replace(/\D/g, '').length >= 12 && <p class="hint" id="national-id-hint">{c.reason}</p>}
      {c?.kind === 'repair' && (
        <p class="hint" id="national-id-hint">
          {c.message}{' '}
          <button type="button" id="national-id-confirm" class="ghost" onClick={() => app.setResident({ nationalId: c.suggestion })}>Dùng số {c.suggestion}</button>
        </p>
      )}
    </>
  );
}

/**
 * The note, folded; open at first when the form already holds one. "còn N ký tự" counts as people
 * see (text/measure.ts visibleLength, the server's count); no maxLength, which would cut a
 * Vietnamese word while the keyboard is still composing it, and the value is never rewritten.
 */
function NoteBox({ app, note }: { app: FieldApp; note: string }) {
  const [open] = useState(() => note !== '');
  const left = NOTE_MAX - visibleLength(note);
  return (
    <details class="field" open={open}>
      <summary>Ghi chú</summary>
      <textarea id="note" rows={2} aria-label="Ghi chú" aria-describedby="note-count" value={note} onInput={(e) => app.setForm({ note: text(e) })} />
      <p id="note-count" class={left < 0 ? 'field-msg' : 'note'} aria-live="polite">
        {left >= 0 ? `còn ${left} ký tự` : `quá ${-left} ký tự`}
      </p>
    </details>
  );
}

/** The record form for the app's state (`ctx`: the field context it was opened with). */
export function RecordForm({ app, state, ctx }: { app: FieldApp; state: FieldState; ctx: FieldContext }) {
  const { form, prefs, editingId, message } = state;
  const team = app.team();
  const countRef = useRef<HTMLInputElement>(null);
  const focusCount = useRef(false);
  useEffect(() => {
    if (focusCount.current && form.kind === 'group') countRef.current?.focus();
    focusCount.current = false;
  }, [form.kind]);
  const villages = byRecent(
    ctx.villages.filter((v) => v.communeCode === team?.communeCode),
    (v) => v.code,
    prefs.places,
  );
  const chooseKind = (k: Kind) => {
    focusCount.current = k === 'group';
    app.setKind(k);
  };
  // the confirmation in words before saving: shown by the first "Lưu", closed by any change
  const [confirming, setConfirming] = useState<string | null>(null);
  const formNow = JSON.stringify(form);
  const submit = (e: Event) => {
    e.preventDefault();
    if (confirming === formNow || form.services.length === 0) {
      setConfirming(null);
      void app.save();
    } else if (app.check()) setConfirming(formNow);
  };

  return (
    <form id="record-form" class="card" noValidate onSubmit={submit}>
      <h1 id="record-title">Ghi buổi hỗ trợ</h1>
      {editingId && (
        <div id="editing" class="editing">
          <span>Đang sửa bản ghi bị từ chối.</span>
          <button id="cancel-edit" type="button" class="link" onClick={() => app.cancelEdit()}>
            Huỷ sửa
          </button>
        </div>
      )}

      {ctx.teams.length > 1 && (
        <div id="team-box" class="field">
          <label for="team">Tổ</label>
          <select id="team" value={team ? String(team.id) : ''} onChange={(e) => app.chooseTeam(Number(text(e)))}>
            {ctx.teams.map((t) => (
              <option key={t.id} value={String(t.id)}>
                {`${t.name} (${t.communeName})`}
              </option>
            ))}
          </select>
        </div>
      )}

      {/* what a common session needs first (issue 13, item 1): how, how many, which services and outcomes; who, when and where hold their defaults below */}
      <fieldset class="field">
        <legend>Hình thức</legend>
        <div id="kinds" class="seg">
          {ctx.kinds.map((k) => (
            <button key={k.code} type="button" class="seg-btn" data-kind={k.code} aria-pressed={form.kind === k.code ? 'true' : 'false'} title={k.label} onClick={() => chooseKind(k.code as Kind)}>
              <KindIcon kind={k.code} />
              <span>{SHORT_KINDS[k.code] ?? k.label}</span>
            </button>
          ))}
        </div>
      </fieldset>
      <div id="group-box" class="field" hidden={form.kind !== 'group'}>
        <label for="count">Số người dân tham dự</label>
        <input id="count" ref={countRef} type="number" inputMode="numeric" min={1} max={2000} step={1} value={form.residentsCount} onInput={(e) => app.setForm({ residentsCount: text(e) })} />
      </div>
      <fieldset class="field">
        <legend>Dịch vụ đã hướng dẫn</legend>
        <ServiceGrid app={app} ctx={ctx} form={form} prefs={prefs} />
        <OutcomePickers app={app} ctx={ctx} form={form} prefs={prefs} />
      </fieldset>
      <MembersField key={`${state.formKey}:${team?.id ?? ''}`} app={app} team={team ?? null} form={form} me={ctx.me.memberId ?? null} />

      <WhenField app={app} when={form.when} now={state.now} invalid={message.field} />

      <div class="field">
        <label for="place">Ở đâu</label>
        <select id="place" value={form.place} onChange={(e) => app.setForm({ place: text(e) })}>
          <option value="">{`Trong ${team?.communeName ?? 'xã'} (không ghi thôn, bản)`}</option>
          {/* the centre of this commune, ward or special zone: "… hành chính công phường Chiềng An" */}
          <option value={CENTRE}>{`Tại Trung tâm phục vụ hành chính công ${team ? team.communeName.charAt(0).toLowerCase() + team.communeName.slice(1) : 'xã'}`}</option>
          {villages.map((v) => (
            <option key={v.code} value={v.code}>
              {v.name}
            </option>
          ))}
        </select>
      </div>



      <PersonBox key={state.formKey} app={app} ctx={ctx} resident={form.resident} hidden={form.kind === 'group'} />


      <NoteBox key={state.formKey} app={app} note={form.note} />

      <p id="form-msg" class="msg" role="alert">
        {message.ok ? '' : message.text}
      </p>
      <SavedNotice app={app} state={state} />
      <div class="save-bar">
        {confirming === formNow ? (
          <ConfirmBox lines={recordLines(ctx, form)} onConfirm={() => submit(new Event('submit'))} onBack={() => setConfirming(null)} />
        ) : (
          <button id="save" type="submit" class="primary big">
            {editingId ? 'Lưu và gửi lại' : 'Lưu'}
          </button>
        )}
      </div>
    </form>
  );
}
