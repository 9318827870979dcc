// #/tap-huan/moi and #/tap-huan/:id/sua — planning a training session (issue 14, items 1–2): the
// organiser (the officer's province or commune), title, topic, kind, day and hours (Vietnam time),
// materials as links, who is invited (communes or villages, roles, people by name), and the bridge
// points with their hosts; a new bridge point can be added on the way. Checked with the server's
// own schema (trainings.contract.ts) before sending; the server checks it all again.
import { useState } from 'preact/hooks';
import { PLACE_KINDS, type PlaceKind, TRAINING_KINDS, type TrainingKind, trainingBody } from '../../trainings/trainings.contract.js';
import type { Endpoints } from '../shared/endpoints.js';
import { fold } from '../shared/format.js';
import { fromVn, fromVnDate, vnDate, vnDateTime, vnIso, vnToday } from '../shared/time.js';
import { api, provinces } from './client.js';
import { schemaProblem } from './forms.js';
import { page, type PageProps } from './mount.js';
import { myUnit } from './session.js';
import { Field, LoadError, Loading, Notice, PageTitle, useLoad } from './ui.js';

type Point = Endpoints['GET /api/bridge-points']['response']['points'][number];
type Hit = Endpoints['GET /api/search']['response']['members'][number];
interface Host { memberId: number; name: string }
interface Chosen { pointId: number; host: Host | null; capacity: string; connection: string }
const ROLE_LABEL = { leader: 'Tổ trưởng', deputy: 'Tổ phó', member: 'Thành viên' } as const;

/** Finds people of the registry by name (GET /api/search, diacritics ignored) and hands the one picked to `onPick`. */
export function PersonSearch({ id, label, onPick }: { id: string; label: string; onPick: (h: Hit) => void }) {
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<Hit[]>([]);
  const [note, setNote] = useState<string | null>(null);
  const search = async () => {
    if (q.trim().length < 2) return setNote('Gõ ít nhất 2 ký tự của tên.');
    try {
      const r = await api.call('GET /api/search', { query: { q } });
      setHits(r.members.slice(0, 20));
      setNote(r.members.length ? null : 'Không tìm thấy ai.');
    } catch (err) {
      setNote((err as Error).message);
    }
  };
  return (
    <div class="person-search">
      <label for={id}>{label}</label>{' '}
      <input id={id} value={q} onInput={(e) => setQ(e.currentTarget.value)} onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), search())} />{' '}
      <button type="button" class="btn-secondary" onClick={search}>
        Tìm
      </button>
      {note && <span class="muted"> {note}</span>}
      {hits.length > 0 && (
        <ul class="hits">
          {hits.map((h) => (
            <li key={`${h.memberId}-${h.teamId}`}>
              <button type="button" class="link" onClick={() => (onPick(h), setHits([]), setQ(''))}>
                {h.fullName}
              </button>{' '}
              <span class="muted">
                {ROLE_LABEL[h.role as keyof typeof ROLE_LABEL] ?? ''}{h.birthYear ? `, sinh ${h.birthYear}` : ''} · {h.teamName}, {h.communeName}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function NewPoint({ communes, onMade }: { communes: { code: string; name: string }[]; onMade: (p: Point) => void }) {
  const [commune, setCommune] = useState(communes[0]?.code ?? '');
  const [name, setName] = useState('');
  const [kind, setKind] = useState<PlaceKind>('commune_hall');
  const [capacity, setCapacity] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const make = async () => {
    try {
      const p = await api.call('POST /api/bridge-points', { json: { commune, name, placeKind: kind, ...(capacity ? { capacity: Number(capacity) } : {}) } });
      setName('');
      setCapacity('');
      setProblem(null);
      onMade(p);
    } catch (err) {
      setProblem((err as Error).message);
    }
  };
  return (
    <fieldset>
      <legend>Thêm điểm cầu</legend>
      <p class="hint">Xã/phường, tên, loại nơi và sức chứa (không bắt buộc) của điểm cầu mới.</p>
      <select aria-label="Xã, phường của điểm cầu" value={commune} onChange={(e) => setCommune(e.currentTarget.value)}>
        {communes.map((c) => (
          <option value={c.code}>{c.name}</option>
        ))}
      </select>{' '}
      <input id="np-name" aria-label="Tên điểm cầu" placeholder="Hội trường UBND xã…" value={name} onInput={(e) => setName(e.currentTarget.value)} />{' '}
      <select aria-label="Loại điểm cầu" value={kind} onChange={(e) => setKind(e.currentTarget.value as PlaceKind)}>
        {Object.entries(PLACE_KINDS).map(([k, v]) => (
          <option value={k}>{v}</option>
        ))}
      </select>{' '}
      <input aria-label="Sức chứa" placeholder="Sức chứa" size={6} inputMode="numeric" value={capacity} onInput={(e) => setCapacity(e.currentTarget.value)} />{' '}
      <button type="button" onClick={make}>
        Thêm điểm cầu
      </button>
      {problem && <Notice kind="error">{problem}</Notice>}
    </fieldset>
  );
}

function TrainingForm({ match, query }: PageProps) {
  const editing = match[0] ? Number(match[0]) : null;
  const asked = query.get('don-vi');
  const loaded = useLoad(async () => {
    const unit = await myUnit();
    // an admin (no unit of their own) picks the organising province
    const all = unit ? null : await provinces();
    const [topics, points, existing] = await Promise.all([
      api.call('GET /api/training-topics'),
      api.call('GET /api/bridge-points', { query: {} }),
      editing ? api.call('GET /api/trainings/:id', { params: { id: editing } }) : Promise.resolve(null),
    ]);
    const pick = all?.find((p) => p.code === asked) ?? all?.[0];
    const organiser = existing?.unit ?? (unit && (unit.level === 'province' || unit.level === 'commune') ? { code: unit.code, name: unit.name, level: unit.level } : { code: pick!.code!, name: `Tỉnh ${pick!.name}`, level: 'province' });
    const children = (await api.call('GET /api/units', { query: { parent: organiser.code } })) as { units: { code: string | null; name: string; level: string; status: string }[] };
    return { provinces: editing ? null : all, topics: topics.topics, points: points.points, existing, organiser, units: children.units.filter((u) => u.code && u.status === 'current') as { code: string; name: string; level: string }[] };
  }, [editing, asked]);
  if (loaded.error) return <LoadError error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  return <Form data={loaded.data} editing={editing} />;
}

function Form({ data, editing }: { data: NonNullable<ReturnType<typeof useLoad<any>>['data']>; editing: number | null }) {
  const ex = data.existing as Endpoints['GET /api/trainings/:id']['response'] | null;
  const start = ex ? vnDateTime(new Date(ex.startsAt!)) : { date: vnToday(), time: '08:00' };
  const end = ex ? vnDateTime(new Date(ex.endsAt!)) : { date: vnToday(), time: '11:00' };
  const [title, setTitle] = useState(ex?.title ?? '');
  const [topic, setTopic] = useState(ex?.topic.code ?? data.topics[0]?.code ?? '');
  const [kind, setKind] = useState<TrainingKind>((ex?.kind as TrainingKind) ?? 'in_person');
  const [day, setDay] = useState(vnDate(start.date));
  const [from, setFrom] = useState(start.time);
  const [lastDay, setLastDay] = useState(vnDate(end.date));
  const [to, setTo] = useState(end.time);
  const [materials, setMaterials] = useState<{ title: string; url: string }[]>((ex?.materials as { title: string; url: string }[]) ?? []);
  const [units, setUnits] = useState<string[]>(ex?.audience.units ?? []);
  const [roles, setRoles] = useState<string[]>(ex?.audience.roles ?? []);
  const [people, setPeople] = useState<Host[]>([]);
  const [unitFilter, setUnitFilter] = useState('');
  const [pointFilter, setPointFilter] = useState('');
  const [points, setPoints] = useState<Point[]>(data.points);
  const [chosen, setChosen] = useState<Chosen[]>(ex ? ex.points.map((p) => ({ pointId: p.pointId, host: p.host?.kind === 'member' ? { memberId: p.host.id, name: p.host.name ?? '' } : null, capacity: p.capacity ? String(p.capacity) : '', connection: p.connection ?? '' })) : []);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const communes = data.organiser.level === 'province' ? data.units : [{ code: data.organiser.code, name: data.organiser.name }];
  const toggle = (list: string[], v: string) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);

  const submit = async (e: Event) => {
    e.preventDefault();
    const d1 = fromVnDate(day);
    const d2 = fromVnDate(lastDay);
    const s = d1 && fromVn(d1, from);
    const t = d2 && fromVn(d2, to);
    if (!s || !t) return setProblem('Ngày viết dạng ngày/tháng/năm (05/11/2026), giờ dạng giờ:phút (08:00).');
    const body = {
      unit: data.organiser.code,
      title,
      topic,
      kind,
      startsAt: vnIso(s),
      endsAt: vnIso(t),
      materials: materials.filter((m) => m.title || m.url),
      audience: { units, roles: roles as ('leader' | 'deputy' | 'member')[], memberIds: [...(ex?.audience.memberIds ?? []), ...people.map((p) => p.memberId)], teamIds: ex?.audience.teamIds ?? [] },
      points: chosen.map((c) => ({ pointId: c.pointId, ...(c.host ? { hostMemberId: c.host.memberId } : {}), ...(c.capacity ? { capacity: Number(c.capacity) } : {}), ...(c.connection ? { connection: c.connection } : {}) })),
    };
    if (t.getTime() < Date.now() && !confirm('Giờ kết thúc đã qua: điểm danh trên điện thoại chỉ nhận đến 2 giờ sau khi kết thúc. Vẫn lưu lớp này?')) return;
    const wrong = schemaProblem(trainingBody, body, { title: 'Tên lớp', topic: 'Chủ đề', endsAt: 'Giờ kết thúc', audience: 'Người được mời', points: 'Điểm cầu' });
    if (wrong) return setProblem(wrong);
    setBusy(true);
    try {
      const r = editing ? await api.call('PUT /api/trainings/:id', { params: { id: editing }, json: { ...body, version: ex!.version } }) : await api.call('POST /api/trainings', { json: body });
      location.hash = `#/tap-huan/${r.id}`;
    } catch (err) {
      setProblem((err as Error).message);
      setBusy(false);
    }
  };

  return (
    <>
      <PageTitle>{editing ? 'Sửa lớp tập huấn' : 'Lớp tập huấn mới'}</PageTitle>
      {data.provinces ? (
        <p class="meta">
          <label>
            Tỉnh tổ chức{' '}
            <select id="tr-organiser" value={data.organiser.code} onChange={(e) => (location.hash = `#/tap-huan/moi?don-vi=${e.currentTarget.value}`)}>
              {data.provinces.map((p: { code: string; name: string }) => (
                <option value={p.code}>{p.name}</option>
              ))}
            </select>
          </label>
        </p>
      ) : (
        <p class="meta">Đơn vị tổ chức: {data.organiser.name}</p>
      )}
      <form onSubmit={submit} class="training-form">
        <Field label="Tên lớp tập huấn" id="tr-title">
          <input id="tr-title" value={title} required onInput={(e) => setTitle(e.currentTarget.value)} />
        </Field>
        <Field label="Chủ đề" id="tr-topic">
          <select id="tr-topic" value={topic} onChange={(e) => setTopic(e.currentTarget.value)}>
            {data.topics.map((t: { code: string; name: string }) => (
              <option value={t.code}>{t.name}</option>
            ))}
          </select>
        </Field>
        <Field label="Hình thức" id="tr-kind">
          <select id="tr-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as TrainingKind)}>
            {Object.entries(TRAINING_KINDS).map(([k, v]) => (
              <option value={k}>{v}</option>
            ))}
          </select>
        </Field>
        <div class="inline-form">
          <label>
            Ngày <input id="tr-day" value={day} size={10} inputMode="numeric" onInput={(e) => (setDay(e.currentTarget.value), setLastDay(e.currentTarget.value))} />
          </label>{' '}
          <label>
            Từ <input id="tr-from-time" value={from} size={5} inputMode="numeric" onInput={(e) => setFrom(e.currentTarget.value)} />
          </label>{' '}
          <label>
            đến ngày <input id="tr-last-day" value={lastDay} size={10} inputMode="numeric" onInput={(e) => setLastDay(e.currentTarget.value)} />
          </label>{' '}
          <label>
            lúc <input id="tr-to-time" value={to} size={5} inputMode="numeric" onInput={(e) => setTo(e.currentTarget.value)} />
          </label>
        </div>
        <fieldset>
          <legend>Tài liệu (đường dẫn)</legend>
          {materials.map((m, i) => (
            <div class="inline-form" key={i}>
              <input aria-label="Tên tài liệu" placeholder="Tên tài liệu" value={m.title} onInput={(e) => setMaterials(materials.map((x, j) => (j === i ? { ...x, title: e.currentTarget.value } : x)))} />{' '}
              <input aria-label="Đường dẫn" placeholder="https://…" value={m.url} size={40} onInput={(e) => setMaterials(materials.map((x, j) => (j === i ? { ...x, url: e.currentTarget.value } : x)))} />{' '}
              <button type="button" class="btn-secondary" onClick={() => setMaterials(materials.filter((_, j) => j !== i))}>
                Bỏ
              </button>
            </div>
          ))}
          <button type="button" class="btn-secondary" onClick={() => setMaterials([...materials, { title: '', url: '' }])}>
            Thêm tài liệu
          </button>
        </fieldset>
        <fieldset>
          <legend>Người được mời</legend>
          <p class="hint">Mọi thành viên hiện tại của các tổ thuộc đơn vị được chọn (và những người chọn theo tên).</p>
          {data.units.length > 12 && (
            <p class="inline-actions">
              <input aria-label="Lọc đơn vị" placeholder="Lọc theo tên (không cần dấu)" value={unitFilter} onInput={(e) => setUnitFilter(e.currentTarget.value)} />{' '}
              <button type="button" class="btn-secondary" onClick={() => setUnits([...new Set([...units, ...data.units.filter((u: { name: string }) => fold(u.name).includes(fold(unitFilter))).map((u: { code: string }) => u.code)])])}>
                Chọn tất cả{unitFilter ? ' (đang lọc)' : ''}
              </button>{' '}
              <button type="button" class="btn-secondary" onClick={() => setUnits([])}>
                Bỏ chọn
              </button>{' '}
              <span class="muted">Đã chọn {units.length}</span>
            </p>
          )}
          <div class="checklist">
            {data.organiser.level === 'commune' && (
              <label>
                <input type="checkbox" checked={units.includes(data.organiser.code)} onChange={() => setUnits(toggle(units, data.organiser.code))} /> Tất cả các tổ của {data.organiser.name}
              </label>
            )}
            {data.units.filter((u: { name: string }) => !unitFilter || fold(u.name).includes(fold(unitFilter))).map((u: { code: string; name: string }) => (
              <label key={u.code}>
                <input type="checkbox" checked={units.includes(u.code)} onChange={() => setUnits(toggle(units, u.code))} /> {u.name}
              </label>
            ))}
          </div>
          <p>
            Vai trò:{' '}
            {Object.entries(ROLE_LABEL).map(([k, v]) => (
              <label key={k}>
                <input type="checkbox" checked={roles.includes(k)} onChange={() => setRoles(toggle(roles, k))} /> {v}{' '}
              </label>
            ))}
            <span class="muted">(không chọn: mọi vai trò)</span>
          </p>
          <PersonSearch id="tr-invite" label="Mời thêm theo tên" onPick={(h) => setPeople([...people.filter((p) => p.memberId !== h.memberId), { memberId: h.memberId, name: h.fullName }])} />
          {people.length > 0 && <p>Mời thêm: {people.map((p) => p.name).join(', ')}</p>}
        </fieldset>
        <fieldset>
          <legend>Điểm cầu</legend>
          {points.length === 0 && <p class="muted">Chưa có điểm cầu nào; hãy thêm ở dưới.</p>}
          {points.length > 12 && (
            <p>
              <input aria-label="Lọc điểm cầu" placeholder="Lọc điểm cầu theo tên hoặc xã (không cần dấu)" size={40} value={pointFilter} onInput={(e) => setPointFilter(e.currentTarget.value)} /> <span class="muted">Đã chọn {chosen.length}</span>
            </p>
          )}
          {[...points.filter((p) => chosen.some((c) => c.pointId === p.id)), ...points.filter((p) => !chosen.some((c) => c.pointId === p.id) && (!pointFilter || fold(`${p.name} ${p.communeName}`).includes(fold(pointFilter))))].map((p) => {
            const c = chosen.find((x) => x.pointId === p.id);
            return (
              <div class="point-row" key={p.id}>
                <label>
                  <input type="checkbox" checked={!!c} onChange={() => setChosen(c ? chosen.filter((x) => x.pointId !== p.id) : [...chosen, { pointId: p.id, host: null, capacity: '', connection: '' }])} /> {p.name}
                  <span class="muted"> — {p.communeName}</span>
                </label>
                {c && (
                  <div class="point-detail">
                    <span>Người phụ trách: {c.host ? c.host.name : <em>chưa chọn</em>}</span>{' '}
                    <PersonSearch id={`host-${p.id}`} label="Tìm người phụ trách" onPick={(h) => setChosen(chosen.map((x) => (x.pointId === p.id ? { ...x, host: { memberId: h.memberId, name: h.fullName } } : x)))} />
                    {kind !== 'in_person' && (
                      <label>
                        Kết nối trực tuyến <input value={c.connection} size={40} onInput={(e) => setChosen(chosen.map((x) => (x.pointId === p.id ? { ...x, connection: e.currentTarget.value } : x)))} />
                      </label>
                    )}
                  </div>
                )}
              </div>
            );
          })}
          <NewPoint communes={communes} onMade={(p) => (setPoints([...points, p]), setChosen([...chosen, { pointId: p.id, host: null, capacity: '', connection: '' }]))} />
        </fieldset>
        {problem && <Notice kind="error">{problem}</Notice>}
        <button type="submit" disabled={busy}>
          {busy ? 'Đang lưu…' : editing ? 'Lưu thay đổi' : 'Tạo lớp tập huấn'}
        </button>
      </form>
    </>
  );
}

export const trainingFormPage = page(TrainingForm);
