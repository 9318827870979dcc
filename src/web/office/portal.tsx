// #/cong-dong — the residents' portal for officers (issue 16): the news and guides of the sites in
// scope (a province officer: the province's and its communes'), #/cong-dong/bai/moi and
// #/cong-dong/bai/ID the editor (a new article's site chosen first: an administrator the province, a province officer
// the province's page or a commune's; Markdown: headings "##", lists "-", links [chữ](https://…), images
// uploaded here; the server renders and sanitizes it, and "Xem trước" shows exactly what residents
// will get), and the comments waiting for moderation (portal.moderation.tsx).
import { useState } from 'preact/hooks';
import { vnDate } from '../shared/time.js';
import { api, provinces } from './client.js';
import { flash } from './flash.js';
import { page, type PageProps } from './mount.js';
import { ModerationQueue, SiteSettings } from './portal.moderation.js';
import { session } from './session.js';
import { Field, LoadError, Loading, Notice, PageTitle, Table, useLoad } from './ui.js';

const STATUS: Record<string, string> = { draft: 'Bản nháp', published: 'Đã đăng', withdrawn: 'Đã gỡ' };

function PortalPage() {
  const loaded = useLoad(() => api.call('GET /api/portal/articles'), []);
  if (loaded.error) return <LoadError error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  const { articles } = loaded.data;
  const site = session.unit && (session.unit.level === 'province' || session.unit.level === 'commune') ? session.unit : null;
  return (
    <>
      <PageTitle>Trang cho người dân</PageTitle>
      <p class="meta">
        Tin tức, hướng dẫn và bình luận trên trang công khai {site ? <a href={site.level === 'province' ? `/tinh/${site.code}` : `/xa/${site.code}`}>của {site.name}</a> : <a href="/">cho người dân</a>}. Người dân đọc không cần đăng nhập.
      </p>
      <p class="actions">
        <a class="button" href="#/cong-dong/bai/moi">Viết bài mới</a>
      </p>
      {articles.length === 0 ? (
        <p class="muted">Chưa có bài nào.</p>
      ) : (
        <Table
          caption="Bài viết"
          columns={['Tiêu đề', 'Loại', 'Trang', 'Trạng thái', 'Ngày đăng', 'Bình luận', 'Chờ duyệt']}
          rows={articles.map((a) => ({
            key: a.id,
            cells: [<a href={`#/cong-dong/bai/${a.id}`}>{a.title}</a>, a.kind === 'news' ? 'Tin tức' : 'Hướng dẫn', a.unitName, STATUS[a.status], a.publishedAt ? vnDate(a.publishedAt) : '—', String(a.comments), String(a.pending)],
          }))}
        />
      )}
      <ModerationQueue />
      {site?.code && <SiteSettings unit={site.code} />}
    </>
  );
}

function ArticleForm({ match }: PageProps) {
  const id = match[0] ? Number(match[0]) : null;
  const loaded = useLoad(async () => (id ? api.call('GET /api/portal/articles/:id', { params: { id } }) : null), [id]);
  if (loaded.error) return <LoadError error={loaded.error} />;
  if (id && !loaded.data) return <Loading />;
  return <Editor key={id ?? 'new'} article={loaded.data ?? null} />;
}

type Site = { code: string; name: string };

/**
 * Where a new article goes: an administrator picks the province, then its own page or one of its
 * communes'; a province officer the province's page or a commune's; a commune officer has only
 * their commune's (no choice shown). `value` is the site's code ('' until one is chosen).
 */
function SiteChooser({ value, onChange }: { value: string; onChange: (code: string) => void }) {
  const own = session.unit && (session.unit.level === 'province' || session.unit.level === 'commune') && session.unit.code ? { code: session.unit.code, name: session.unit.name, level: session.unit.level } : null;
  const [province, setProvince] = useState(own?.level === 'province' ? own.code : '');
  const all = useLoad(async () => (own ? null : ((await provinces()).filter((p) => p.code) as Site[])), []);
  const communes = useLoad(async () => {
    if (!province) return [] as Site[];
    const r = (await api.call('GET /api/units', { query: { parent: province } })) as { units: { code: string | null; name: string; status: string }[] };
    return r.units.filter((u) => u.code && u.status === 'current') as Site[];
  }, [province]);
  if (own?.level === 'commune') return <p class="meta">Đăng trên trang của {own.name}.</p>;
  const provinceName = own?.name ?? all.data?.find((p) => p.code === province)?.name ?? '';
  return (
    <div class="form-grid">
      {!own && (
        <Field label="Tỉnh, thành phố" id="article-province">
          <select
            id="article-province"
            value={province}
            onChange={(e) => {
              setProvince(e.currentTarget.value);
              onChange(e.currentTarget.value);
            }}
          >
            <option value="">— Chọn tỉnh —</option>
            {(all.data ?? []).map((p) => (
              <option value={p.code}>{p.name}</option>
            ))}
          </select>
        </Field>
      )}
      {province && (
        <Field label="Đăng trên trang" id="article-site">
          <select id="article-site" value={value} onChange={(e) => onChange(e.currentTarget.value)}>
            <option value={province}>Trang của {provinceName}</option>
            {(communes.data ?? []).map((c) => (
              <option value={c.code}>{c.name}</option>
            ))}
          </select>
        </Field>
      )}
    </div>
  );
}

function Editor({ article }: { article: Awaited<ReturnType<typeof api.call<'GET /api/portal/articles/:id'>>> | null }) {
  const [title, setTitle] = useState(article?.title ?? '');
  const [summary, setSummary] = useState(article?.summary ?? '');
  const [kind, setKind] = useState<'news' | 'guide'>(article?.kind ?? 'news');
  const [serviceCode, setServiceCode] = useState(article?.serviceCode ?? 'vneid');
  const [body, setBody] = useState(article?.body ?? '');
  const [commentsOpen, setCommentsOpen] = useState(article?.commentsOpen ?? true);
  const [version, setVersion] = useState(article?.version ?? 0);
  const [preview, setPreview] = useState<string | null>(null);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [site, setSite] = useState(session.unit && (session.unit.level === 'province' || session.unit.level === 'commune') ? (session.unit.code ?? '') : '');

  const save = async (status: 'draft' | 'published' | 'withdrawn') => {
    setBusy(true);
    setMessage(null);
    const json = { kind, title, summary: summary || undefined, body, status, commentsOpen, ...(kind === 'guide' ? { serviceCode } : {}) };
    try {
      if (article) {
        const r = await api.call('PUT /api/portal/articles/:id', { params: { id: article.id }, json: { ...json, version } });
        setVersion(r.version);
      } else {
        const r = await api.call('POST /api/portal/articles', { json: { ...json, ...(site ? { unit: site } : {}) } });
        // the editor of the new article is another page: the message goes with it
        flash('ok', status === 'published' ? 'Đã đăng bài lên trang cho người dân.' : 'Đã lưu bản nháp.');
        location.replace(`#/cong-dong/bai/${r.id}`);
        return;
      }
      setMessage({ kind: 'ok', text: status === 'published' ? 'Đã đăng bài lên trang cho người dân.' : status === 'withdrawn' ? 'Đã gỡ bài.' : 'Đã lưu bản nháp.' });
    } catch (err) {
      setMessage({ kind: 'error', text: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };
  const upload = async (file: File) => {
    const form = new FormData();
    form.append('file', file);
    try {
      const img = await api.call('POST /api/portal/images', { query: {} }, { body: form });
      setBody(`${body}${body.endsWith('\n') || !body ? '' : '\n\n'}![${file.name.replace(/\.[^.]+$/, '')}](${img.src})\n`);
    } catch (err) {
      setMessage({ kind: 'error', text: (err as Error).message });
    }
  };
  return (
    <>
      <PageTitle>{article ? 'Sửa bài' : 'Viết bài mới'}</PageTitle>
      <p class="meta">
        <a href="#/cong-dong">← Trang cho người dân</a>
        {article?.status === 'published' && (
          <>
            {' · '}
            <a href={`/tin/${article.id}`}>Xem bài trên trang công khai</a>
          </>
        )}
      </p>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      <form class="form article-form" onSubmit={(e) => (e.preventDefault(), save('published'))}>
        {!article && <SiteChooser value={site} onChange={setSite} />}
        <Field label="Loại bài" id="article-kind">
          <select id="article-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as 'news' | 'guide')}>
            <option value="news">Tin tức (người dân bình luận được)</option>
            <option value="guide">Hướng dẫn từng bước cho một dịch vụ</option>
          </select>
        </Field>
        {kind === 'guide' && (
          <Field label="Dịch vụ (mã)" id="article-service">
            <input id="article-service" value={serviceCode} onInput={(e) => setServiceCode(e.currentTarget.value)} placeholder="vneid, vssid, public_services…" />
          </Field>
        )}
        <Field label="Tiêu đề" id="article-title">
          <input id="article-title" value={title} required maxLength={400} onInput={(e) => setTitle(e.currentTarget.value)} />
        </Field>
        <Field label="Tóm tắt" id="article-summary">
          <input id="article-summary" value={summary} maxLength={800} onInput={(e) => setSummary(e.currentTarget.value)} />
        </Field>
        <Field
          label="Nội dung"
          id="article-body"
          hint={'Viết như văn bản thường. Tiêu đề mục: dòng bắt đầu bằng "## ". Danh sách: dòng bắt đầu bằng "- " hoặc "1. ". Chữ đậm: **chữ**. Liên kết: [chữ hiện](https://…). Ảnh: chọn tệp bên dưới.'}
        >
          <textarea id="article-body" aria-describedby="article-body-hint" rows={16} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
        </Field>
        <Field label="Thêm ảnh" id="article-image" hint="Ảnh JPEG, PNG, WebP hoặc GIF; ảnh được chèn vào cuối nội dung.">
          <input id="article-image" aria-describedby="article-image-hint" type="file" accept="image/jpeg,image/png,image/webp,image/gif" onChange={(e) => e.currentTarget.files?.[0] && void upload(e.currentTarget.files[0])} />
        </Field>
        {kind === 'news' && (
          <label class="check">
            <input type="checkbox" checked={commentsOpen} onChange={(e) => setCommentsOpen(e.currentTarget.checked)} /> Cho phép bình luận
          </label>
        )}
        <p class="actions">
          <button type="button" class="btn-secondary" onClick={async () => setPreview((await api.call('POST /api/portal/preview', { json: { body } })).html)}>
            Xem trước
          </button>{' '}
          <button type="button" class="btn-secondary" disabled={busy} onClick={() => save('draft')}>
            Lưu nháp
          </button>{' '}
          <button type="submit" disabled={busy}>
            Đăng bài
          </button>{' '}
          {article?.status === 'published' && (
            <button type="button" class="btn-danger" disabled={busy} onClick={() => save('withdrawn')}>
              Gỡ bài
            </button>
          )}
        </p>
      </form>
      {preview !== null && (
        <section class="preview" aria-label="Xem trước">
          <h3>Xem trước</h3>
          {/* the server's sanitized rendering (sanitize-html allow-list): the same HTML residents get */}
          <div class="article-body" dangerouslySetInnerHTML={{ __html: preview }} />
        </section>
      )}
    </>
  );
}

export const portalPage = page(PortalPage);
export const articlePage = page(ArticleForm);
