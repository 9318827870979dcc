/**
 * "Khi nào": the session's date and time, the Vietnamese way whatever the browser's language
 * (dd/mm/yyyy, 24-hour HH:mm): text boxes with the numeric keypad (native date/time inputs follow
 * the browser's locale: mm/dd and AM/PM in an English browser), the separators put in while
 * typing (when.ts), a Vietnamese message when the box loses focus on something that is not a date
 * or time, and the quick "Hôm nay" (today, keeping the time) and "Bây giờ" (now) buttons. Until
 * the member types, the boxes show the current Vietnam time and the record takes the moment of
 * saving.
 */
import { useState } from 'preact/hooks';
import { vnDate, vnDateTime } from '../shared/time.js';
import type { FieldApp } from './controller.js';
import type { FormState } from './record.js';
import { dateProblem, parseDate, tidyDate, tidyTime, timeProblem, typeDate, typeTime } from './when.js';

/** The date and time boxes of the form; `invalid` is the field the last save refused ('date' or 'time'), if any. */
export function WhenField({ app, when, now, invalid }: { app: FieldApp; when: FormState['when']; now: number; invalid?: string }) {
  const [problem, setProblem] = useState<{ date: string | null; time: string | null }>({ date: null, time: null });
  const current = vnDateTime(new Date(now));
  const today = vnDate(current.date);
  const shown = when ?? { date: today, time: current.time };
  const change = (patch: Partial<{ date: string; time: string }>) => {
    app.setForm({ when: { ...shown, ...patch } });
    setProblem({ date: null, time: null });
  };
  const tidy = () => {
    const when = app.state.form.when;
    if (!when) return;
    const next = { date: tidyDate(when.date), time: tidyTime(when.time) };
    if (next.date !== when.date || next.time !== when.time) app.setForm({ when: next });
    setProblem({ date: dateProblem(when.date, current.date), time: timeProblem(when.time) });
  };
  const dateWrong = problem.date !== null || invalid === 'date';
  const timeWrong = problem.time !== null || invalid === 'time';
  const messages = [problem.date, problem.time].filter(Boolean).join(' ');
  const notToday = when !== null && parseDate(when.date) !== current.date;
  return (
    <fieldset class="field">
      <legend>
        Khi nào{' '}
        {when === null && (
          <span id="when-now" class="hint">
            (bây giờ)
          </span>
        )}
      </legend>
      <div class="row">
        <div class="col col-date">
          <label for="date" class="sub">
            Ngày <span class="hint">ngày/tháng/năm</span>
          </label>
          <input
            id="date"
            type="text"
            inputMode="numeric"
            autocomplete="off"
            placeholder="dd/mm/yyyy"
            maxLength={10}
            value={shown.date}
            aria-invalid={dateWrong ? 'true' : undefined}
            aria-describedby={messages ? 'when-msg' : undefined}
            onInput={(e) => change({ date: typeDate((e.currentTarget as HTMLInputElement).value) })}
            onBlur={tidy}
          />
        </div>
        <div class="col">
          <label for="time" class="sub">
            Giờ <span class="hint">24 giờ</span>
          </label>
          <input
            id="time"
            type="text"
            inputMode="numeric"
            autocomplete="off"
            placeholder="HH:mm"
            maxLength={5}
            value={shown.time}
            aria-invalid={timeWrong ? 'true' : undefined}
            aria-describedby={messages ? 'when-msg' : undefined}
            onInput={(e) => change({ time: typeTime((e.currentTarget as HTMLInputElement).value) })}
            onBlur={tidy}
          />
        </div>
      </div>
      {messages && (
        <p id="when-msg" class="field-msg" role="alert">
          {messages}
        </p>
      )}
      {when !== null && (
        <div class="quick">
          {notToday && (
            <button id="today-btn" type="button" class="ghost" onClick={() => change({ date: today })}>
              Hôm nay
            </button>
          )}
          <button id="now-btn" type="button" class="ghost" onClick={() => (app.setForm({ when: null }), setProblem({ date: null, time: null }))}>
            Bây giờ
          </button>
        </div>
      )}
    </fieldset>
  );
}
