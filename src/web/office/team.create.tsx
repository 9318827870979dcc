// "Lập tổ mới" on a commune's or a village's page (officers): a commune-level team on a commune, a
// village-level team on a village; the body is checked with POST /api/teams' own schema.
import { useState } from 'preact/hooks';
import { createTeamBody } from '../../registry/registry.contract.js';
import { vnToday } from '../shared/time.js';
import { api } from './client.js';
import { FormOut, schemaProblem, Submit, useForm, value } from './forms.js';
import { Field } from './ui.js';

/** The form, closed behind a button; on success the new team's page opens. */
export function CreateTeam({ unit }: { unit: { code: string | null; name: string; level: string } }) {
  const [open, setOpen] = useState(false);
  const lower = unit.name.charAt(0).toLocaleLowerCase('vi') + unit.name.slice(1);
  const [name, setName] = useState(`Tổ công nghệ số cộng đồng ${unit.level === 'commune' ? lower : unit.name}`);
  const [establishedOn, setEst] = useState('');
  const body = () => ({ level: unit.level === 'village' ? ('village' as const) : ('commune' as const), unit: unit.code ?? '', name, ...(establishedOn ? { establishedOn } : {}) });
  const f = useForm(
    () => schemaProblem(createTeamBody, body(), { name: 'Tên tổ', establishedOn: 'Ngày thành lập' }),
    async () => {
      const team = await api.call('POST /api/teams', { json: body() });
      location.hash = `#/to/${team.id}`;
    },
  );
  if (!open) {
    return (
      <div class="actions more">
        <button type="button" class="btn-secondary" onClick={() => setOpen(true)}>
          {unit.level === 'village' ? 'Lập tổ mới của thôn này' : 'Lập tổ mới cấp xã'}
        </button>
      </div>
    );
  }
  return (
    <form onSubmit={f.onSubmit} class="inline-form" aria-label="Lập tổ mới">
      <Field label="Tên tổ" id="new-team-name">
        <input id="new-team-name" value={name} required onInput={value(setName)} />
      </Field>
      <Field label="Ngày thành lập" id="new-team-est" hint="Để trống nếu chưa rõ.">
        <input id="new-team-est" type="date" max={vnToday()} value={establishedOn} onInput={value(setEst)} aria-describedby="new-team-est-hint" />
      </Field>
      <Submit busy={f.busy} text="Lập tổ" busyText="Đang lập…" />
      <FormOut>{f.out}</FormOut>
    </form>
  );
}
