// #/trung-lap?xa=CODE — people of a commune who may be recorded twice (GET /api/duplicates): each
// pair side by side with why it was found. Officers merge one record into the other (POST
// /api/members/:id/merge with both versions as read, after a confirmation) or say they are two
// people (POST /api/duplicates/distinct: the pair is not offered again); readers only look.
import { useEffect, useState } from 'preact/hooks';
import { distinctBody, mergeMemberBody } from '../../registry/registry.contract.js';
import type { DuplicatePair, DuplicatePerson } from '../../registry/registry.duplicates.js';
import { GENDERS } from '../../registry/registry.vocabulary.js';
import { ApiError } from '../shared/api.js';
import type { Endpoints } from '../shared/endpoints.js';
import { num } from '../shared/format.js';
import { api, provinces } from './client.js';
import { FormOut, schemaProblem, useForm } from './forms.js';
import { type PageProps, page } from './mount.js';
import { can, myUnit, OFFICERS } from './session.js';
import { useFocusTitle } from './team.js';
import { Crumbs, Loading, LoadError, Notice, PageTitle, useLoad } from './ui.js';

type Merged = Endpoints['POST /api/members/:id/merge']['response'];

/** Why a pair was found, in words. */
export const REASONS: Record<DuplicatePair['reason'], string> = {
  phone: 'Trùng số điện thoại',
  name_birth_year: 'Trùng họ tên và năm sinh',
  name: 'Trùng họ tên',
};

/** What a merge moved, in words. */
export function mergedPeopleText(dup: DuplicatePerson, keep: DuplicatePerson, r: Merged): string {
  const dropped = r.periodsDropped ? `, bỏ ${num(r.periodsDropped)} lượt trùng tổ` : '';
  return `Đã gộp ${dup.fullName} (mã ${dup.id}) vào ${keep.fullName} (mã ${keep.id}): chuyển ${num(r.periodsMoved)} lượt tham gia tổ${dropped}, ${num(r.sessionsMoved)} buổi hỗ trợ.`;
}

/** The commune asked for (xa=CODE), or the user's own when it is a commune; null: none to show. */
async function communeCode(asked: string): Promise<string | null> {
  if (asked) return asked;
  const mine = await myUnit();
  return mine?.level === 'commune' ? mine.code : null;
}

/** The commune, its pairs and its province. Errors: the unit's, VALIDATION_FAILED (not a commune), OUT_OF_SCOPE. */
async function loadPairs(asked: string) {
  const code = await communeCode(asked);
  if (!code) return null;
  const [unit, { pairs }, provs] = await Promise.all([
    api.call('GET /api/units/:code', { params: { code }, query: {} }),
    api.call('GET /api/duplicates', { query: { commune: code } }),
    provinces().catch(() => []),
  ]);
  return { unit, pairs, province: provs.find((p) => p.code === unit.provinceCode) ?? null };
}

function DuplicatesView({ asked }: { asked: string }) {
  const [version, setVersion] = useState(0);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const state = useLoad(() => loadPairs(asked), [asked, version]);
  useEffect(() => void (document.title = state.data ? `Ngõ Số — Người có thể bị trùng: ${state.data.unit.name}` : 'Ngõ Số — Người có thể bị trùng'), [state.data]);
  useFocusTitle(!state.loading);
  if (state.loading) return <Loading />;
  if (state.error) return <LoadError error={state.error} />;
  if (!state.data) {
    return (
      <>
        <PageTitle>Người có thể bị trùng</PageTitle>
        <Notice kind="info">
          {'Danh sách xem theo từng xã, phường: hãy mở trang của một xã rồi chọn "Người có thể bị trùng". '}
          <a href="#/">Chọn tỉnh, xã</a>
        </Notice>
      </>
    );
  }
  const { unit, pairs, province } = state.data;
  const officer = can(OFFICERS);
  // after a change (or a refusal because a record changed meanwhile): say so and read the pairs again
  const done = (kind: 'ok' | 'error', text: string) => {
    setMessage({ kind, text });
    setVersion(version + 1);
  };
  const trail = [{ href: '#/', text: 'Tỉnh, thành phố' }, ...(province ? [{ href: `#/don-vi/${province.code}`, text: province.name }] : []), { href: `#/don-vi/${unit.code}`, text: unit.name }, { text: 'Người có thể bị trùng' }];
  return (
    <>
      <Crumbs trail={trail} />
      <PageTitle>{`Người có thể bị trùng: ${unit.name}`}</PageTitle>
      <p class="lead">
        {'Những người đang là thành viên các tổ của xã có cùng số điện thoại, cùng họ tên và năm sinh, hoặc cùng họ tên (không tính cách bỏ dấu và khoảng trắng). '}
        {officer ? 'Nếu là một người, hãy gộp hai bản ghi: mọi lượt tham gia tổ và buổi hỗ trợ được giữ. Nếu là hai người, chọn "Không phải một người" để cặp này không hiện lại.' : 'Cán bộ xã, tỉnh gộp hoặc xác nhận các cặp này.'}
      </p>
      {message ? <Notice kind={message.kind}>{message.text}</Notice> : null}
      <h3>{`Các cặp cần xem (${num(pairs.length)})`}</h3>
      {pairs.length ? (
        <ol class="dup-list">
          {pairs.map((p) => (
            <PairCard key={`${p.a.id}-${p.b.id}-${p.a.version}-${p.b.version}`} pair={p} officer={officer} done={done} />
          ))}
        </ol>
      ) : (
        <p class="muted">Không có cặp nào cần xem.</p>
      )}
    </>
  );
}

/** One pair: a table with the two records side by side (differing facts marked), and the officer's choices. */
function PairCard({ pair, officer, done }: { pair: DuplicatePair; officer: boolean; done: (kind: 'ok' | 'error', text: string) => void }) {
  const [merging, setMerging] = useState<'a' | 'b' | null>(null);
  const { a, b } = pair;
  const facts: [string, (p: DuplicatePerson) => string][] = [
    ['Họ và tên', (p) => p.fullName],
    ['Năm sinh', (p) => (p.birthYear ? String(p.birthYear) : '—')],
    ['Giới tính', (p) => (p.gender ? GENDERS[p.gender] : '—')],
    ['Điện thoại', (p) => p.phone ?? '—'],
    ['Tổ', (p) => p.teams.join(', ') || '—'],
    ['Buổi hỗ trợ', (p) => num(p.sessions)],
    ['Mã thành viên', (p) => String(p.id)],
  ];
  const distinct = useForm(
    () => schemaProblem(distinctBody, { a: a.id, b: b.id }),
    async () => {
      await api.call('POST /api/duplicates/distinct', { json: { a: a.id, b: b.id } });
      done('ok', `Đã ghi nhận: ${a.fullName} (mã ${a.id}) và ${b.fullName} (mã ${b.id}) là hai người khác nhau; cặp này không hiện lại.`);
    },
  );
  const [dup, keep] = merging === 'a' ? [a, b] : [b, a];
  return (
    <li class="card dup-pair" data-pair={`${a.id}-${b.id}`}>
      <p class="dup-reason">
        <span class="badge badge-warning">{REASONS[pair.reason]}</span>
      </p>
      <div class="table-wrap">
        <table class="dup-table">
          <caption class="visually-hidden">{`${REASONS[pair.reason]}: ${a.fullName} và ${b.fullName}`}</caption>
          <thead>
            <tr>
              <td />
              <th scope="col">A</th>
              <th scope="col">B</th>
            </tr>
          </thead>
          <tbody>
            {facts.map(([label, of]) => (
              <tr key={label} class={of(a) !== of(b) && label !== 'Mã thành viên' ? 'differs' : undefined}>
                <th scope="row">{label}</th>
                <td>{of(a)}</td>
                <td>{of(b)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {officer && !merging ? (
        <form onSubmit={distinct.onSubmit}>
          <div class="actions">
            <button type="button" class="btn-secondary btn-small" onClick={() => setMerging('a')}>
              Gộp A vào B
            </button>
            <button type="button" class="btn-secondary btn-small" onClick={() => setMerging('b')}>
              Gộp B vào A
            </button>
            <button type="submit" class="btn-secondary btn-small" disabled={distinct.busy}>
              {distinct.busy ? 'Đang ghi…' : 'Không phải một người'}
            </button>
          </div>
          <FormOut>{distinct.out}</FormOut>
        </form>
      ) : null}
      {officer && merging ? <ConfirmMerge key={merging} dup={dup} keep={keep} which={merging === 'a' ? ['A', 'B'] : ['B', 'A']} cancel={() => setMerging(null)} done={done} /> : null}
    </li>
  );
}

/** "Gộp A vào B?": what moves and what stays, then POST /api/members/:id/merge with both versions as read. */
function ConfirmMerge({ dup, keep, which, cancel, done }: { dup: DuplicatePerson; keep: DuplicatePerson; which: [string, string]; cancel: () => void; done: (kind: 'ok' | 'error', text: string) => void }) {
  const body = { version: dup.version, into: keep.id, intoVersion: keep.version };
  const form = useForm(
    () => schemaProblem(mergeMemberBody, body),
    async () => {
      try {
        const r = await api.call('POST /api/members/:id/merge', { params: { id: dup.id }, json: body });
        done('ok', mergedPeopleText(dup, keep, r));
      } catch (err) {
        // someone changed one of the two meanwhile: read the pairs again (new versions) and say so
        if (err instanceof ApiError && err.code === 'VERSION_CONFLICT') return done('error', `${err.message} Danh sách đã được tải lại; hãy xem lại cặp này.`);
        throw err;
      }
    },
  );
  const [x, y] = which;
  return (
    <form class="confirm" onSubmit={form.onSubmit}>
      <Notice kind="info">
        <p class="confirm-question">
          <strong>{`Gộp ${x} (${dup.fullName}, mã ${dup.id}) vào ${y} (${keep.fullName}, mã ${keep.id})?`}</strong>
        </p>
        <p>{`Các lượt tham gia tổ và buổi hỗ trợ của ${x} chuyển sang ${y}; ${y} giữ họ tên của mình, điện thoại, giới tính và năm sinh còn trống ở ${y} lấy từ ${x}. Bản ghi ${x} không còn trong danh sách thành viên.`}</p>
      </Notice>
      <div class="actions">
        <button type="submit" disabled={form.busy}>
          {form.busy ? 'Đang gộp…' : 'Xác nhận gộp'}
        </button>
        <button type="button" class="btn-secondary" disabled={form.busy} onClick={cancel}>
          Huỷ
        </button>
      </div>
      <FormOut>{form.out}</FormOut>
    </form>
  );
}

/** #/trung-lap?xa=CODE — possible duplicate people of a commune (readers; merging for officers). */
export const duplicatesPage = page(({ query }: PageProps) => <DuplicatesView asked={query.get('xa') ?? ''} />);
