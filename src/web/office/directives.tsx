// #/chi-dao — directives (issue 15): those the user's unit issued or received, newest first, with
// how far each went in the user's part (teams reached, read, done, overdue; "Chờ chuyển tiếp" for
// a commune that still has to forward a province's); for officers "Văn bản chỉ đạo mới".
// #/chi-dao/moi — the form: the issuing unit (the officer's province or commune), number and date
// as on the paper, title, body (plain text: blank lines make paragraphs, "- " lines a list),
// priority, deadline, what is asked, the target (communes or villages), attachments.
import { useRef, useState } from 'preact/hooks';
import { directiveBody, PRIORITIES, type Priority } from '../../directives/directives.contract.js';
import { fold, num } from '../shared/format.js';
import { fromVnDate, vnDate, vnToday } from '../shared/time.js';
import { api, provinces } from './client.js';
import { schemaProblem } from './forms.js';
import { page, type PageProps } from './mount.js';
import { can, myUnit, OFFICERS } from './session.js';
import { Field, LoadError, Loading, Notice, PageTitle, Table, useLoad } from './ui.js';

function List() {
  const loaded = useLoad(() => api.call('GET /api/directives', { query: {} }), []);
  if (loaded.error) return <LoadError error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  const rows = loaded.data.directives;
  return (
    <>
      <PageTitle>Chỉ đạo</PageTitle>
      {can(OFFICERS) && (
        <p class="actions">
          <a class="btn" href="#/chi-dao/moi" id="new-directive">
            Văn bản chỉ đạo mới
          </a>
        </p>
      )}
      {rows.length === 0 ? (
        <p class="muted">Chưa có văn bản chỉ đạo nào trong 180 ngày qua.</p>
      ) : (
        <Table
          id="directive-list"
          caption="Văn bản chỉ đạo (180 ngày qua)"
          columns={['Số, ngày', 'Trích yếu', 'Đơn vị ban hành', 'Hạn', 'Tổ nhận', 'Đã đọc', 'Hoàn thành', 'Quá hạn']}
          rows={rows.map((d) => ({
            key: d.id,
            cells: [
              `${d.number ? `${d.number} · ` : ''}${vnDate(d.issuedOn)}`,
              <>
                <a href={`#/chi-dao/${d.id}`}>{d.title}</a>
                {d.priority !== 'normal' && <span class="badge badge-error">{PRIORITIES[d.priority as Priority]}</span>}
                {d.awaitsForwarding && <span class="badge badge-warning">Chờ chuyển tiếp</span>}
              </>,
              d.issuer,
              d.deadline ? vnDate(d.deadline) : '—',
              num(d.teams),
              num(d.read),
              num(d.done),
              d.overdue ? <strong class="warn">{num(d.overdue)}</strong> : '0',
            ],
          }))}
        />
      )}
    </>
  );
}

function NewDirective({ query }: PageProps) {
  const asked = query.get('don-vi');
  const loaded = useLoad(async () => {
    const unit = await myUnit();
    const all = unit ? null : await provinces();
    const pick = all?.find((p) => p.code === asked) ?? all?.[0];
    const titled = (name: string) => (/^(Tỉnh|Thành phố) /.test(name) ? name : `Tỉnh ${name}`);
    const issuer = unit && (unit.level === 'province' || unit.level === 'commune') ? { code: unit.code, name: unit.level === 'province' ? titled(unit.name) : unit.name, level: unit.level } : { code: pick!.code!, name: titled(pick!.name), level: 'province' as const };
    const children = (await api.call('GET /api/units', { query: { parent: issuer.code } })) as { units: { code: string | null; name: string; level: string; status: string }[] };
    return { provinces: all, issuer, units: children.units.filter((u) => u.code && u.status === 'current') as { code: string; name: string; level: string }[] };
  }, [asked]);
  if (loaded.error) return <LoadError error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  return <Form data={loaded.data} />;
}

function Form({ data }: { data: { provinces: { code: string | null; name: string }[] | null; issuer: { code: string; name: string; level: string }; units: { code: string; name: string }[] } }) {
  const province = data.issuer.level === 'province';
  const [number, setNumber] = useState('');
  const [issuedOn, setIssuedOn] = useState(vnDate(vnToday()));
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [priority, setPriority] = useState<Priority>('normal');
  const [deadline, setDeadline] = useState('');
  const [passOn, setPassOn] = useState(true);
  const [figureName, setFigureName] = useState('');
  const [figureUnit, setFigureUnit] = useState('');
  const [units, setUnits] = useState<string[]>(province ? [] : [data.issuer.code]);
  const [viaCommunes, setViaCommunes] = useState(province);
  const [filter, setFilter] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const files = useRef<HTMLInputElement>(null);
  const toggle = (v: string) => setUnits(units.includes(v) ? units.filter((x) => x !== v) : [...units, v]);
  const shown = data.units.filter((u) => !filter || fold(u.name).includes(fold(filter)));

  const submit = async (e: Event) => {
    e.preventDefault();
    const day = fromVnDate(issuedOn);
    const due = deadline.trim() ? fromVnDate(deadline) : null;
    if (!day || (deadline.trim() && !due)) return setProblem('Ngày viết dạng ngày/tháng/năm và phải có thật, ví dụ 01/12/2026.');
    const json = {
      unit: data.issuer.code,
      ...(number.trim() ? { number } : {}),
      issuedOn: day,
      title,
      body,
      priority,
      ...(due ? { deadline: due } : {}),
      asks: { passOn, figure: figureName.trim() ? { name: figureName, unit: figureUnit || 'người' } : null },
      target: { units },
      viaCommunes: province && viaCommunes,
    };
    const wrong = schemaProblem(directiveBody, json, { title: 'Trích yếu', body: 'Nội dung', deadline: 'Hạn báo cáo', target: 'Nơi nhận', number: 'Số văn bản' });
    if (wrong) return setProblem(wrong);
    setBusy(true);
    try {
      const r = await api.call('POST /api/directives', { json });
      const chosen = files.current?.files;
      if (chosen && chosen.length) {
        const form = new FormData();
        for (const f of Array.from(chosen)) form.append('files', f, f.name);
        try {
          await api.call('POST /api/directives/:id/attachments', { params: { id: r.id } }, { body: form });
        } catch (err) {
          // the directive went out; the files can be attached again from its page
          location.hash = `#/chi-dao/${r.id}?loi-tep=${encodeURIComponent((err as Error).message)}`;
          return;
        }
      }
      location.hash = `#/chi-dao/${r.id}`;
    } catch (err) {
      setProblem((err as Error).message);
      setBusy(false);
    }
  };

  return (
    <>
      <PageTitle>Văn bản chỉ đạo mới</PageTitle>
      {data.provinces ? (
        <p class="meta">
          <label>
            Tỉnh ban hành{' '}
            <select id="dv-issuer" value={data.issuer.code} onChange={(e) => (location.hash = `#/chi-dao/moi?don-vi=${e.currentTarget.value}`)}>
              {data.provinces.map((p) => (
                <option value={p.code!}>{p.name}</option>
              ))}
            </select>
          </label>
        </p>
      ) : (
        <p class="meta">Đơn vị ban hành: {data.issuer.name}</p>
      )}
      <form onSubmit={submit} class="training-form" id="directive-form">
        <div class="inline-form">
          <label>
            Số văn bản <input id="dv-number" value={number} size={16} placeholder="125/UBND-VP" onInput={(e) => setNumber(e.currentTarget.value)} />
          </label>{' '}
          <label>
            ngày <input id="dv-issued" value={issuedOn} size={10} inputMode="numeric" onInput={(e) => setIssuedOn(e.currentTarget.value)} />
          </label>
        </div>
        <Field label="Trích yếu" id="dv-title">
          <input id="dv-title" value={title} required onInput={(e) => setTitle(e.currentTarget.value)} />
        </Field>
        <Field label="Nội dung" id="dv-body" hint='Văn bản thuần, không định dạng: để một dòng trống giữa các đoạn; dòng bắt đầu bằng "- " là một ý trong danh sách.'>
          <textarea id="dv-body" rows={8} value={body} required onInput={(e) => setBody(e.currentTarget.value)} />
        </Field>
        <div class="inline-form">
          <label>
            Độ khẩn{' '}
            <select id="dv-priority" value={priority} onChange={(e) => setPriority(e.currentTarget.value as Priority)}>
              {Object.entries(PRIORITIES).map(([k, v]) => (
                <option value={k}>{v}</option>
              ))}
            </select>
          </label>{' '}
          <label>
            Hạn báo cáo <input id="dv-deadline" value={deadline} size={10} placeholder="dd/mm/yyyy" inputMode="numeric" onInput={(e) => setDeadline(e.currentTarget.value)} />
          </label>
        </div>
        <fieldset>
          <legend>Yêu cầu các tổ</legend>
          <label>
            <input id="dv-pass-on" type="checkbox" checked={passOn} onChange={() => setPassOn(!passOn)} /> Thông báo tới các hộ gia đình và báo số hộ đã thông báo
          </label>
          <div class="inline-form">
            <label>
              Báo cáo số liệu (không bắt buộc) <input id="dv-figure" value={figureName} size={30} placeholder="Số người được hướng dẫn" onInput={(e) => setFigureName(e.currentTarget.value)} />
            </label>{' '}
            <label>
              đơn vị tính <input value={figureUnit} size={8} placeholder="người" onInput={(e) => setFigureUnit(e.currentTarget.value)} />
            </label>
          </div>
        </fieldset>
        <fieldset>
          <legend>Nơi nhận</legend>
          {province && (
            <label>
              <input id="dv-via" type="checkbox" checked={viaCommunes} onChange={() => setViaCommunes(!viaCommunes)} /> Gửi qua UBND xã (cán bộ xã chuyển tiếp tới các tổ); bỏ chọn để gửi thẳng tới mọi tổ
            </label>
          )}
          <p class="inline-actions">
            <input aria-label="Lọc đơn vị" placeholder="Lọc theo tên (không cần dấu)" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />{' '}
            <button type="button" class="btn-secondary" onClick={() => setUnits([...new Set([...units, ...shown.map((u) => u.code)])])}>
              Chọn tất cả{filter ? ' (đang lọc)' : ''}
            </button>{' '}
            <button type="button" class="btn-secondary" onClick={() => setUnits([])}>
              Bỏ chọn
            </button>{' '}
            <span class="muted">Đã chọn {units.length}</span>
          </p>
          <div class="checklist" id="dv-units">
            {!province && (
              <label>
                <input type="checkbox" checked={units.includes(data.issuer.code)} onChange={() => toggle(data.issuer.code)} /> Tất cả các tổ của {data.issuer.name}
              </label>
            )}
            {shown.map((u) => (
              <label key={u.code}>
                <input type="checkbox" checked={units.includes(u.code)} onChange={() => toggle(u.code)} /> {u.name}
              </label>
            ))}
          </div>
        </fieldset>
        <Field label="Tệp đính kèm (PDF, ảnh; tối đa 5 tệp, mỗi tệp 10 MB)" id="dv-files">
          <input id="dv-files" ref={files} type="file" multiple accept="application/pdf,image/jpeg,image/png,image/webp" />
        </Field>
        {problem && <Notice kind="error">{problem}</Notice>}
        <button type="submit" id="dv-send" disabled={busy}>
          {busy ? 'Đang gửi…' : 'Ban hành và gửi'}
        </button>
      </form>
    </>
  );
}

export const directivesPage = page(List);
export const directiveFormPage = page(NewDirective);
