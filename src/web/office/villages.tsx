// #/don-vi/CODE/thon — the villages (thôn, bản, tổ dân phố) of a commune, kept by hand by its
// officers: create one, rename one from a day (the old name is remembered, so files written with it
// still match), or merge a duplicate into the village it should have been (its teams, support
// sessions and population move there). Bodies are checked with the routes' own schemas
// (registry/registry.contract.ts) before POST /api/villages, PATCH /api/villages/:code and
// POST /api/villages/:code/merge; the server decides the rest (scope, names taken, future days).
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { UnitView } from '../../catalogue/catalogue.service.js';
import { createVillageBody, MAX_NAME, mergeVillageBody, renameVillageBody } from '../../registry/registry.contract.js';
import type { Endpoints } from '../shared/endpoints.js';
import { num } from '../shared/format.js';
import { vnDate, vnToday } from '../shared/time.js';
import { NATURAL } from './browse.js';
import { api, provinces } from './client.js';
import { FormOut, schemaProblem, Submit, useForm, value } from './forms.js';
import { type PageProps, page } from './mount.js';
import { useFocusTitle } from './team.js';
import { Crumbs, Field, Loading, LoadError, Notice, PageTitle, Table, useLoad } from './ui.js';

type TeamRow = Endpoints['GET /api/teams']['response']['teams'][number];
type Merged = Endpoints['POST /api/villages/:code/merge']['response'];
const LABELS = { name: 'Tên', on: 'Ngày', into: 'Thôn còn lại', validFrom: 'Ngày có thôn' };

/** A day field (a Vietnam calendar day, at most today); `required` unless the day may be unknown. */
export const DayInput = ({ id, day, set, required = true, describedBy }: { id: string; day: string; set: (d: string) => void; required?: boolean; describedBy?: string }) => (
  <input id={id} name={id} type="date" value={day} max={vnToday()} required={required} aria-describedby={describedBy} onInput={value(set)} />
);

/** The commune, its current villages (by name, numbers in order), its teams and its province. Errors: the unit's, or OUT_OF_SCOPE from the teams. */
async function loadVillages(code: string) {
  const [unit, villages, teams, provs] = await Promise.all([
    api.call('GET /api/units/:code', { params: { code }, query: {} }),
    api.call('GET /api/units', { query: { parent: code } }).then((r) => (r.units as UnitView[]).filter((u) => u.level === 'village' && u.code)),
    api.call('GET /api/teams', { query: { unit: code } }).then((r) => r.teams),
    provinces().catch(() => []),
  ]);
  // names equal but for their tone marks ("Bản Hụm", "Bản Hum": the usual duplicate) in the order they were made
  villages.sort((a, b) => NATURAL.compare(a.name, b.name) || a.code!.localeCompare(b.code!));
  return { unit, villages, teams, province: provs.find((p) => p.code === unit.provinceCode) ?? null };
}

/** What the merge moved, in words: "Đã gộp "Bản Hum" vào "Bản Hụm" từ ngày 01/12/2026: chuyển 1 tổ, 0 buổi hỗ trợ." */
export function mergedText(gone: string, keep: string, on: string, r: Merged): string {
  const population = r.populationYears.length ? `, số dân các năm ${r.populationYears.join(', ')}` : '';
  return `Đã gộp "${gone}" vào "${keep}" từ ngày ${vnDate(on)}: chuyển ${num(r.teamsMoved)} tổ, ${num(r.sessionsMoved)} buổi hỗ trợ${population}. Tên "${gone}" được giữ để nhận diện tệp cũ.`;
}

function VillagesView({ code }: { code: string }) {
  const [version, setVersion] = useState(0);
  const [panel, setPanel] = useState<{ kind: 'rename' | 'merge'; code: string } | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const state = useLoad(() => loadVillages(code), [code, version]);
  useEffect(() => void (state.data && (document.title = `Ngõ Số — Thôn, bản của ${state.data.unit.name}`)), [state.data]);
  useFocusTitle(!state.loading);
  if (state.loading) return <Loading />;
  if (state.error) return <LoadError error={state.error} />;
  const { unit, villages, teams, province } = state.data;
  const trail = [{ href: '#/', text: 'Tỉnh, thành phố' }, ...(province ? [{ href: `#/don-vi/${province.code}`, text: province.name }] : []), { href: `#/don-vi/${unit.code}`, text: unit.name }, { text: 'Thôn, bản, tổ dân phố' }];
  const head = (
    <>
      <Crumbs trail={trail} />
      <PageTitle>{`Thôn, bản, tổ dân phố: ${unit.name}`}</PageTitle>
    </>
  );
  if (unit.level !== 'commune' || unit.status !== 'current') {
    return (
      <>
        {head}
        <Notice kind="info">{unit.level !== 'commune' ? 'Thôn, bản được quản lý theo từng xã, phường, đặc khu; hãy mở trang này từ trang của một xã.' : `${unit.name} không còn từ ${vnDate(unit.validTo)}; thôn, bản thuộc đơn vị kế thừa.`}</Notice>
      </>
    );
  }
  const teamsOf = (v: UnitView) => teams.filter((t) => t.level === 'village' && t.unitCode === v.code);
  // after a change: say what was done, close the form, read the list again
  const saved = (msg: string) => {
    setMessage(msg);
    setPanel(null);
    setVersion(version + 1);
  };
  const open = (kind: 'rename' | 'merge', v: UnitView) => () => {
    setMessage(null);
    setPanel(panel?.kind === kind && panel.code === v.code ? null : { kind, code: v.code! });
  };
  const selected = panel ? villages.find((v) => v.code === panel.code) : undefined;
  return (
    <>
      {head}
      <p class="lead">Tên thôn được viết theo một cách ("TDP 4" thành "Tổ dân phố 4"). Khi một lần nhập danh sách tạo ra thôn trùng (tên viết sai), hãy gộp thôn đó vào thôn đúng: các tổ chuyển sang, và tên viết sai vẫn được nhận ra ở lần nhập sau.</p>
      {message ? <Notice kind="ok">{message}</Notice> : null}
      <section aria-labelledby="villages-h">
        <h3 id="villages-h">{`Thôn, bản hiện có (${num(villages.length)})`}</h3>
        {villages.length ? (
          <Table
            class="villages stack"
            columns={[{ text: 'STT', class: 'num' }, { text: 'Tên', class: 'name' }, 'Mã', 'Tổ công nghệ số', 'Có từ', { text: 'Thao tác', class: 'row-actions' }]}
            rows={villages.map((v, i) => ({
              key: v.code!,
              cells: [
                num(i + 1),
                <a href={`#/don-vi/${v.code}`}>{v.name}</a>,
                v.code,
                <TeamLinks teams={teamsOf(v)} />,
                v.validFrom ? vnDate(v.validFrom) : '—',
                <span class="actions">
                  <button type="button" class="btn-secondary btn-small" aria-expanded={panel?.kind === 'rename' && panel.code === v.code ? 'true' : 'false'} aria-label={`Đổi tên ${v.name}`} onClick={open('rename', v)}>
                    Đổi tên
                  </button>
                  {villages.length > 1 ? (
                    <button type="button" class="btn-secondary btn-small" aria-expanded={panel?.kind === 'merge' && panel.code === v.code ? 'true' : 'false'} aria-label={`Gộp ${v.name} vào thôn khác`} onClick={open('merge', v)}>
                      Gộp vào…
                    </button>
                  ) : null}
                </span>,
              ],
            }))}
          />
        ) : (
          <p class="muted">Chưa có thôn, bản nào trong sổ. Thôn, bản được tạo khi nhập danh sách tổ, hoặc ở mẫu dưới đây.</p>
        )}
      </section>
      {selected && panel?.kind === 'rename' ? <RenameForm key={`r-${selected.code}`} village={selected} saved={saved} close={() => setPanel(null)} /> : null}
      {selected && panel?.kind === 'merge' ? <MergeForm key={`m-${selected.code}`} village={selected} villages={villages} teamsOf={teamsOf} saved={saved} close={() => setPanel(null)} /> : null}
      <CreateForm commune={unit.code!} communeName={unit.name} saved={saved} />
    </>
  );
}

/** The village's teams as links, or a dash. */
function TeamLinks({ teams }: { teams: TeamRow[] }) {
  if (!teams.length) return <>—</>;
  return (
    <>
      {teams.map((t, i) => (
        <>
          {i ? ', ' : ''}
          <a href={`#/to/${t.id}`}>{t.name}</a>
        </>
      ))}
    </>
  );
}

/** A form that opens under the list: focused at its heading when it opens, closed by "Đóng". */
function Panel({ id, title, close, children }: { id: string; title: string; close: () => void; children: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section class="card edit-panel" id={id} aria-labelledby={`${id}-h`}>
      <div class="section-head">
        <h3 id={`${id}-h`} tabIndex={-1} ref={heading}>
          {title}
        </h3>
        <button type="button" class="btn-link" onClick={close}>
          Đóng
        </button>
      </div>
      {children}
    </section>
  );
}

/** "Đổi tên": the new name from a day (default today). */
function RenameForm({ village, saved, close }: { village: UnitView; saved: (msg: string) => void; close: () => void }) {
  const [name, setName] = useState(village.name);
  const [on, setOn] = useState(vnToday());
  const body = () => ({ name, on });
  const form = useForm(
    () => schemaProblem(renameVillageBody, body(), LABELS),
    async () => {
      const r = await api.call('PATCH /api/villages/:code', { params: { code: village.code! }, json: renameVillageBody.parse(body()) });
      saved(`Đã đổi tên "${village.name}" thành "${r.name}" từ ngày ${vnDate(on)}. Tên cũ vẫn được nhận ra khi nhập danh sách.`);
    },
  );
  return (
    <Panel id="village-rename" title={`Đổi tên ${village.name}`} close={close}>
      <form class="form" onSubmit={form.onSubmit} noValidate>
        <div class="form-grid">
          <Field label="Tên mới" id="rename-name">
            <input id="rename-name" name="rename-name" type="text" autocomplete="off" maxLength={MAX_NAME * 2} required value={name} onInput={value(setName)} />
          </Field>
          <Field label="Từ ngày" id="rename-on" hint="Ngày bắt đầu dùng tên mới (không sau hôm nay).">
            <DayInput id="rename-on" day={on} set={setOn} describedBy="rename-on-hint" />
          </Field>
        </div>
        <Submit busy={form.busy} text="Đổi tên" busyText="Đang đổi tên…" />
        <FormOut>{form.out}</FormOut>
      </form>
    </Panel>
  );
}

/** "Gộp vào…": the surviving village of the same commune and the day, then a confirmation naming both and what moves. */
function MergeForm({ village, villages, teamsOf, saved, close }: { village: UnitView; villages: UnitView[]; teamsOf: (v: UnitView) => TeamRow[]; saved: (msg: string) => void; close: () => void }) {
  const others = villages.filter((v) => v.code !== village.code);
  const [into, setInto] = useState('');
  const [on, setOn] = useState(vnToday());
  const [confirming, setConfirming] = useState(false);
  const body = () => ({ into, on });
  const keep = others.find((v) => v.code === into);
  const choose = useForm(
    () => (into ? schemaProblem(mergeVillageBody, body(), LABELS) : 'Hãy chọn thôn còn lại (thôn được giữ).'),
    async () => setConfirming(true),
  );
  const merge = useForm(
    () => schemaProblem(mergeVillageBody, body(), LABELS),
    async () => {
      const r = await api.call('POST /api/villages/:code/merge', { params: { code: village.code! }, json: mergeVillageBody.parse(body()) });
      saved(mergedText(village.name, keep?.name ?? r.into ?? into, on, r));
    },
  );
  const moving = teamsOf(village);
  return (
    <Panel id="village-merge" title={`Gộp ${village.name} vào thôn khác`} close={close}>
      {!confirming || !keep ? (
        <form class="form" onSubmit={choose.onSubmit} noValidate>
          <div class="form-grid">
            <Field label="Thôn còn lại" id="merge-into" hint={`Thôn được giữ; "${village.name}" thôi tồn tại từ ngày gộp.`}>
              <select id="merge-into" name="merge-into" aria-describedby="merge-into-hint" value={into} onChange={value(setInto)}>
                <option value="">— Chọn thôn —</option>
                {others.map((v) => (
                  <option key={v.code} value={v.code!}>
                    {v.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Ngày gộp" id="merge-on" hint="Từ ngày này các tổ thuộc thôn còn lại (không sau hôm nay).">
              <DayInput id="merge-on" day={on} set={setOn} describedBy="merge-on-hint" />
            </Field>
          </div>
          <Submit busy={choose.busy} text="Gộp…" busyText="Đang kiểm tra…" />
          <FormOut>{choose.out}</FormOut>
        </form>
      ) : (
        <form class="form confirm" onSubmit={merge.onSubmit} noValidate>
          <Notice kind="info">
            <p class="confirm-question">
              <strong>{`Gộp "${village.name}" vào "${keep.name}" từ ngày ${vnDate(on)}?`}</strong>
            </p>
            <p>{`Các tổ, buổi hỗ trợ và dân số của ${village.name} sẽ chuyển sang ${keep.name}; tên ${village.name} được giữ để nhận diện tệp cũ.`}</p>
            <p class="meta">{moving.length ? `Tổ chuyển sang: ${moving.map((t) => t.name).join(', ')}.` : `${village.name} chưa có tổ nào.`}</p>
          </Notice>
          <div class="actions">
            <button type="submit" disabled={merge.busy}>
              {merge.busy ? 'Đang gộp…' : 'Xác nhận gộp'}
            </button>
            <button type="button" class="btn-secondary" disabled={merge.busy} onClick={() => (merge.setOut(null), setConfirming(false))}>
              Quay lại
            </button>
          </div>
          <FormOut>{merge.out}</FormOut>
        </form>
      )}
    </Panel>
  );
}

/** "Thêm thôn, bản": a name and the day it exists from (default today; empty: unknown). */
function CreateForm({ commune, communeName, saved }: { commune: string; communeName: string; saved: (msg: string) => void }) {
  const [name, setName] = useState('');
  const [validFrom, setValidFrom] = useState(vnToday());
  const body = () => ({ commune, name, validFrom: validFrom || null });
  const form = useForm(
    () => schemaProblem(createVillageBody, body(), LABELS),
    async () => {
      const v = await api.call('POST /api/villages', { json: createVillageBody.parse(body()) });
      setName('');
      saved(`Đã thêm "${v.name}" (mã ${v.code}) vào ${communeName}.`);
    },
  );
  return (
    <section aria-labelledby="village-create-h" class="create-section">
      <h3 id="village-create-h">Thêm thôn, bản, tổ dân phố</h3>
      <form class="form" id="village-create" onSubmit={form.onSubmit} noValidate>
        <div class="form-grid">
          <Field label="Tên" id="create-name" hint='Ví dụ: "Bản Nà Sản", "Tổ dân phố 4".'>
            <input id="create-name" name="create-name" type="text" autocomplete="off" maxLength={MAX_NAME * 2} required aria-describedby="create-name-hint" value={name} onInput={value(setName)} />
          </Field>
          <Field label="Có từ ngày" id="create-from" hint="Bỏ trống nếu không rõ.">
            <DayInput id="create-from" day={validFrom} set={setValidFrom} required={false} describedBy="create-from-hint" />
          </Field>
        </div>
        <Submit busy={form.busy} text="Thêm thôn" busyText="Đang thêm…" />
        <FormOut>{form.out}</FormOut>
      </form>
    </section>
  );
}

/** #/don-vi/CODE/thon — the villages of a commune (officers). */
export const villagesPage = page(({ match }: PageProps) => <VillagesView code={match[0]} />);
