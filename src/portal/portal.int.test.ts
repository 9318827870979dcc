import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient, type TestClient } from '../../test/auth.js';
import { testApp, testDatabase, type TestAppInstance } from '../../test/db.js';
import { sessionsRegistry } from '../../test/sessions.js';
import { type Database, queryRows } from '../db/client.js';
import { FixedClock, useClock } from '../text/clock.js';

/**
 * The residents' portal (issue 16, items 1, 2 and 4) on both databases: articles written by
 * officers and sanitized, the public pages, comments measured as readers see them (the bad input
 * the issue names, one case each), reports that hide a comment at 3, the moderation queue, pre-
 * moderation, banned words and blocking, "find my team" without diacritics. Registry: SON_LA_ROSTER.
 */
let database: Database;
let app: TestAppInstance;
const clock = new FixedClock('2026-12-01T09:00:00+07:00');
let restoreClock: () => void;
let province: TestClient, chiengAn: TestClient, hanoi: TestClient, leader: TestClient;
let articleId = 0;
let phoneSeq = 0;
const phone = () => `0912 ${String(100000 + ++phoneSeq).slice(-6)}`;
let ipSeq = 0;
const ip = () => `198.18.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}`;

const comment = (body: string, over: Record<string, string> = {}, from = ip()) =>
  app.inject({ method: 'POST', url: `/tin/${articleId}/binh-luan`, remoteAddress: from, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ name: 'Lường Văn Tươi', phone: phone(), body, ...over }).toString() });
const stored = () => queryRows<{ id: number; body: string; status: string; heldFor: string | null }>(database.db, sql`select id, body, status, held_for as "heldFor" from portal_comments order by id`);

beforeAll(async () => {
  restoreClock = useClock(clock);
  database = await testDatabase();
  app = await testApp(database);
  const { team } = await sessionsRegistry(database.db);
  province = await signedInClient(app, database.db, { username: 'tinh', role: 'province_officer', unit: '14' });
  chiengAn = await signedInClient(app, database.db, { username: 'xa.chiengan', role: 'commune_officer', unit: '03664' });
  hanoi = await signedInClient(app, database.db, { username: 'hanoi', role: 'province_officer', unit: '01' });
  leader = await signedInClient(app, database.db, { username: 'hien', role: 'team_leader', teamId: team.chiengAn });
});
afterAll(async () => {
  await app.close();
  await database.close();
  restoreClock();
});

describe('articles', () => {
  it('keeps only safe markup of what an officer writes, and refuses other sites', async () => {
    const res = await province.post('/api/portal/articles', {
      kind: 'news',
      title: 'Sơn La ra quân hướng dẫn VNeID mức 2',
      summary: 'Các tổ công nghệ số tới từng bản.',
      body: '# Ra quân\n\nCác tổ **hướng dẫn** tại nhà:\n\n- bản Hụm\n- bản Hìn\n\n<script>alert(1)</script><img src="https://evil.example/x.png" onerror="alert(2)">\n\n[Cổng DVC](https://dichvucong.gov.vn) \n\n[x](javascript:alert(3))',
      status: 'published',
    });
    expect(res.statusCode).toBe(201);
    articleId = res.json().id;
    const [a] = await queryRows<{ bodyHtml: string; unitId: number }>(database.db, sql`select body_html as "bodyHtml", unit_id as "unitId" from portal_articles where id = ${articleId}`);
    expect(a.bodyHtml).toBe('<h2>Ra quân</h2>\n<p>Các tổ <strong>hướng dẫn</strong> tại nhà:</p>\n<ul>\n<li>bản Hụm</li>\n<li>bản Hìn</li>\n</ul>\n<p><a href="https://dichvucong.gov.vn" rel="nofollow noopener" target="_blank">Cổng DVC</a> </p>\n<p><a rel="nofollow noopener">x</a></p>');
    const elsewhere = await hanoi.post('/api/portal/articles', { unit: '14', kind: 'news', title: 'x', body: 'y' });
    expect(elsewhere.statusCode).toBe(403);
    expect((await leader.post('/api/portal/articles', { kind: 'news', title: 'x', body: 'y' })).statusCode).toBe(403);
    const guide = await province.post('/api/portal/articles', { kind: 'guide', serviceCode: 'khong-co', title: 'x', body: 'y' });
    expect([guide.statusCode, guide.json().error.details?.path ?? guide.json().error.code]).toEqual([400, 'serviceCode']);
    expect((await province.get('/api/portal/articles')).json().articles.map((x: { id: number; title: string }) => [x.id, x.title])).toEqual([[articleId, 'Sơn La ra quân hướng dẫn VNeID mức 2']]);
    expect((await hanoi.get('/api/portal/articles')).json().articles).toEqual([]);
  });

  it('serves the article, the province page and the guides without sign-in', async () => {
    const page = await app.inject({ method: 'GET', url: `/tin/${articleId}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Sơn La ra quân hướng dẫn VNeID mức 2</h1>');
    expect(page.body).not.toContain('alert(');
    // a new installation (no administrator yet) sends its visitor to the office UI's first step
    expect((await app.inject({ method: 'GET', url: '/' })).headers.location).toBe('/office/');
    await signedInClient(app, database.db, { username: 'quantri', role: 'admin' });
    const home = await app.inject({ method: 'GET', url: '/' });
    expect([home.statusCode, home.headers.location]).toEqual([302, '/tinh/14']);
    const p = await app.inject({ method: 'GET', url: '/tinh/14' });
    expect(p.body).toContain(`<a href="/tin/${articleId}"><strong>Sơn La ra quân hướng dẫn VNeID mức 2</strong></a>`);
    const guide = await app.inject({ method: 'GET', url: '/huong-dan/vneid?tinh=14' });
    expect(guide.body).toContain('Cài VNeID và kích hoạt định danh điện tử mức 2');
    expect(guide.body).toContain('<ol>');
    expect((await app.inject({ method: 'GET', url: '/huong-dan/son_la_smart?tinh=14' })).body).toContain('Chưa có bài hướng dẫn cho dịch vụ này');
    expect((await app.inject({ method: 'GET', url: '/tin/999999' })).statusCode).toBe(404);
  });

  it('re-encodes an uploaded image and refuses what is not one', async () => {
    const png = await sharp({ create: { width: 2000, height: 1000, channels: 3, background: '#0b4f8a' } }).png().toBuffer();
    const up = (data: Buffer, name: string) => province.request({ method: 'POST', url: '/api/portal/images', headers: { 'content-type': 'multipart/form-data; boundary=X' }, payload: Buffer.concat([Buffer.from(`--X\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: image/png\r\n\r\n`), data, Buffer.from('\r\n--X--\r\n')]) });
    const ok = await up(png, 'anh.png');
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ width: 1200, height: 600 });
    const img = await app.inject({ method: 'GET', url: ok.json().src });
    expect([img.statusCode, img.headers['content-type']]).toEqual([200, 'image/webp']);
    const bad = await up(Buffer.from('<svg onload="alert(1)"></svg>'), 'x.png');
    expect([bad.statusCode, bad.json().error.code]).toEqual([415, 'IMAGE_INVALID']);
  });
});

describe('comments: measured as the reader sees them', () => {
  it('refuses 4 graphemes written in 5 code units and only spaces and zero-width characters', async () => {
    const four = 'Tốt👍';
    expect(four.length).toBe(5);
    const res = await comment(four);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Bình luận cần ít nhất 5 ký tự (đang có 4).');
    const blank = await comment('   \u200b\u200c\u2060\ufeff  \u200b ');
    expect(blank.statusCode).toBe(400);
    expect(blank.body).toContain('Bình luận chưa có nội dung.');
    expect(await stored()).toEqual([]);
  });

  it('names every problem of the form at once, in the form’s order', async () => {
    const res = await app.inject({ method: 'POST', url: `/tin/${articleId}/binh-luan`, remoteAddress: ip(), headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ name: ' ', phone: '12345', body: 'hay' }).toString() });
    expect(res.statusCode).toBe(400);
    const text = res.body.replace(/<[^>]+>/g, '');
    const at = ['Hãy ghi họ tên (ít nhất 2 ký tự).', 'Số điện thoại:', 'Bình luận cần ít nhất 5 ký tự'].map((t) => text.indexOf(t));
    expect(at.every((i) => i >= 0) && at[0] < at[1] && at[1] < at[2]).toBe(true);
    expect(await stored()).toEqual([]);
  });

  it('sends the address a refused comment leaves in the bar (GET /tin/ID/binh-luan) back to the comment form, not to a 404', async () => {
    const again = await app.inject({ method: 'GET', url: `/tin/${articleId}/binh-luan` });
    expect([again.statusCode, again.headers.location]).toEqual([302, `/tin/${articleId}#comment`]);
    expect((await app.inject({ method: 'GET', url: '/tin/abc/binh-luan' })).statusCode).toBe(404);
  });

  it('accepts 500 graphemes written in 700 code units (NFD) and 125 emoji with skin tones, stored NFC', async () => {
    const nfd = ('ệ'.normalize('NFD') + 'a'.repeat(4)).repeat(100);
    expect([nfd.length, [...new Intl.Segmenter('vi', { granularity: 'grapheme' }).segment(nfd)].length]).toEqual([700, 500]);
    const a = await comment(nfd);
    expect(a.statusCode).toBe(303);
    const emoji = '👍🏽'.repeat(125);
    const b = await comment(emoji);
    expect(b.statusCode).toBe(303);
    const over = await comment(nfd + 'x');
    expect(over.statusCode).toBe(400);
    expect(over.body).toContain('Bình luận dài 501 ký tự, tối đa 500');
    const rows = await stored();
    expect(rows.map((r) => [r.body, r.status])).toEqual([[nfd.normalize('NFC'), 'published'], [emoji, 'published']]);
  });

  it('removes direction overrides and shows markup and scripts as text', async () => {
    await comment('\u202eabc\u202c Xin chào cả nhà');
    await comment('<script>alert("x")</script><b>đậm</b>');
    const rows = await stored();
    expect(rows.slice(-2).map((r) => r.body)).toEqual(['abc Xin chào cả nhà', '<script>alert("x")</script><b>đậm</b>']);
    const page = await app.inject({ method: 'GET', url: `/tin/${articleId}` });
    expect(page.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;đậm&lt;/b&gt;');
    expect(page.body).not.toContain('<script>alert');
  });

  it('refuses a flood of marks stacked on one letter, and answers an oversized form as a page', async () => {
    const zalgo = await comment(`Xin chào a${'\u0301\u0323\u0300\u0309\u0303'.repeat(40)} cả nhà`);
    expect(zalgo.statusCode).toBe(400);
    expect(zalgo.body).toContain('Bình luận có chữ bị chồng quá nhiều dấu');
    const huge = await comment('x'.repeat(20_000));
    expect([huge.statusCode, huge.headers['content-type']]).toEqual([413, 'text/html; charset=utf-8']);
    expect(huge.body).toContain('Nội dung gửi lên dài quá');
  });

  it('stores nothing from a filled honeypot and refuses a phone that is not Vietnamese', async () => {
    const before = (await stored()).length;
    expect((await comment('Một bình luận của máy', { website: 'http://spam.example' })).statusCode).toBe(303);
    const foreign = await comment('Bình luận từ số nước ngoài', { phone: '+1 202 555 0100' });
    expect(foreign.statusCode).toBe(400);
    expect((await stored()).length).toBe(before);
  });

  it('stops 10,000 comments from one address in a minute at the route\'s limit of 10', async () => {
    const before = (await stored()).length;
    const codes = new Map<number, number>();
    // one after another: @fastify/rate-limit's in-memory store hands every request of a burst the
    // same counter object, so requests sent all at once are all refused once the burst passes 10
    for (let i = 0; i < 10_000; i++) {
      const r = await comment('Bình luận lặp lại từ một địa chỉ', {}, '192.0.2.77');
      codes.set(r.statusCode, (codes.get(r.statusCode) ?? 0) + 1);
    }
    expect(Object.fromEntries(codes)).toEqual({ 303: 10, 429: 9_990 });
    expect((await stored()).length).toBe(before + 10);
  });

  it('stops the same phone after 3 comments in 10 minutes, whatever the address', async () => {
    const same = '0977 111 222';
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await comment(`Bình luận thứ ${i + 1} của tôi`, { phone: same })).statusCode);
    expect(codes).toEqual([303, 303, 303, 400]);
  });
});

describe('moderation', () => {
  it('hides a comment at 3 reports from different people (one each), and an officer restores it', async () => {
    const [target] = await stored();
    const report = (from: string) => app.inject({ method: 'POST', url: `/binh-luan/${target.id}/bao-cao`, remoteAddress: from, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '' });
    const first = await report('203.0.113.50');
    // back to that comment, with the thanks under it (and the reason kept with the report)
    expect([first.statusCode, first.headers.location]).toEqual([303, `/tin/${articleId}?bao_cao=${target.id}#bl-${target.id}`]);
    const thanked = (await app.inject({ method: 'GET', url: first.headers.location as string })).body;
    const li = thanked.slice(thanked.indexOf(`id="bl-${target.id}"`), thanked.indexOf('</li>', thanked.indexOf(`id="bl-${target.id}"`)));
    expect([li.includes('Cảm ơn bạn đã báo cáo'), li.includes('Gửi báo cáo')]).toEqual([true, false]);
    await report('203.0.113.50');
    await app.inject({ method: 'POST', url: `/binh-luan/${target.id}/bao-cao`, remoteAddress: '203.0.113.51', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'reason=L%E1%BB%ABa%20%C4%91%E1%BA%A3o%2C%20qu%E1%BA%A3ng%20c%C3%A1o' });
    expect((await queryRows<{ reason: string | null }>(database.db, sql`select reason from portal_comment_reports where comment_id = ${target.id} order by reason nulls first`)).map((r) => r.reason)).toEqual([null, 'Lừa đảo, quảng cáo']);
    expect((await stored())[0].status).toBe('published');
    await report('203.0.113.52');
    expect((await stored())[0]).toMatchObject({ status: 'pending', heldFor: 'reports' });
    expect((await app.inject({ method: 'GET', url: `/tin/${articleId}` })).body).not.toContain(`id="bl-${target.id}"`);
    const queue = (await province.get('/api/portal/comments')).json().comments;
    expect(queue.map((c: { id: number; heldFor: string; reports: number; phone: string }) => [c.id, c.heldFor, c.reports, c.phone])).toEqual([[target.id, 'reports', 3, '09•••••003']]);
    expect((await hanoi.get('/api/portal/comments')).json().comments).toEqual([]);
    expect((await chiengAn.get('/api/portal/comments')).json().comments).toEqual([]);
    expect((await hanoi.post(`/api/portal/comments/${target.id}/moderate`, { action: 'approve' })).statusCode).toBe(404);
    const ok = await province.post(`/api/portal/comments/${target.id}/moderate`, { action: 'approve' });
    expect(ok.json()).toEqual({ id: target.id, status: 'published', blockedUntil: null });
    expect((await app.inject({ method: 'GET', url: `/tin/${articleId}` })).body).toContain(`id="bl-${target.id}"`);
    const audit = await queryRows<{ action: string; provinceCode: string }>(database.db, sql`select action, province_code as "provinceCode" from audit_log where entity = 'portal_comment'`);
    expect(audit).toEqual([{ action: 'portal.comment.approve', provinceCode: '14' }]);
  });

  it('holds comments under pre-moderation and with a banned word, and blocks an author for a time', async () => {
    const words = await province.request({ method: 'PUT', url: '/api/portal/banned-words', payload: { words: ['Lừa Đảo Tiền'] } });
    expect(words.json()).toMatchObject({ unit: { code: '14' }, moderation: 'post', words: ['lua dao tien'] });
    expect((await comment('Cảnh giác LỪA ĐẢO TIỀN qua mạng')).statusCode).toBe(303);
    expect((await stored()).at(-1)).toMatchObject({ status: 'pending', heldFor: 'words' });
    await province.request({ method: 'PUT', url: '/api/portal/site', payload: { moderation: 'pre' } });
    const res = await comment('Cảm ơn các tổ đã về bản');
    expect(res.headers.location).toBe(`/tin/${articleId}?gui=cho#comment`);
    expect((await stored()).at(-1)).toMatchObject({ status: 'pending', heldFor: 'pre' });
    const spam = (await stored()).at(-1)!;
    const blocked = await province.post(`/api/portal/comments/${spam.id}/moderate`, { action: 'block', days: 7, reason: 'Quảng cáo' });
    expect(blocked.json()).toEqual({ id: spam.id, status: 'hidden', blockedUntil: '2026-12-08T02:00:00.000Z' });
    const [{ phone: spamPhone }] = await queryRows<{ phone: string }>(database.db, sql`select ${String(phoneSeq)} as phone`);
    const again = await comment('Tôi lại gửi quảng cáo đây', { phone: `0912 ${String(100000 + Number(spamPhone)).slice(-6)}` });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('đang tạm dừng bình luận trên trang này đến ngày 08/12/2026');
  });
});

describe('find my team', () => {
  it('finds the commune and the village without diacritics and shows the team, its leader, and only published phones', async () => {
    const found = await app.inject({ method: 'GET', url: '/to-cua-toi?tinh=14&q=tieu%20khu%206' });
    expect(found.body).toMatch(/<a href="\/to-cua-toi\/04105\.\d+"><strong>Tiểu khu 6<\/strong><\/a>/);
    const code = /\/to-cua-toi\/(04105\.\d+)/.exec(found.body)![1];
    const page = await app.inject({ method: 'GET', url: `/to-cua-toi/${code}` });
    expect(page.body).toContain('Tổ công nghệ số cộng đồng Tiểu khu 6');
    expect(page.body).toContain('Tổ trưởng: <strong>Nguyễn Thị Hà</strong>');
    expect(page.body).not.toContain('0915111222');
    const [m] = await queryRows<{ id: number }>(database.db, sql`select id from members where full_name = 'Nguyễn Thị Hà'`);
    const other = await hanoi.request({ method: 'PUT', url: `/api/portal/members/${m.id}/public-phone`, payload: { publish: true } });
    expect(other.statusCode).toBe(404);
    const mine = await province.request({ method: 'PUT', url: `/api/portal/members/${m.id}/public-phone`, payload: { publish: true } });
    expect(mine.json()).toEqual({ id: m.id, publicPhone: true });
    expect((await app.inject({ method: 'GET', url: `/to-cua-toi/${code}` })).body).toContain('<a href="tel:+84915111222">0915111222</a>');
  });

  it("names a ward's teams as the ward's on its page, a commune's as the commune's", async () => {
    const ward = (await app.inject({ method: 'GET', url: '/xa/03664' })).body;
    expect(ward).toContain('<h1>Phường Chiềng An</h1>');
    expect(ward).toContain('<a href="/to-cua-toi/03664">Các tổ công nghệ số của phường</a>');
    const commune = (await app.inject({ method: 'GET', url: '/xa/04105' })).body;
    expect(commune).toContain('<a href="/to-cua-toi/04105">Các tổ công nghệ số của xã</a>');
  });

  it('asks for two letters when the search is shorter, rather than for a shorter name', async () => {
    const short = (await app.inject({ method: 'GET', url: '/to-cua-toi?tinh=14&q=%C4%91' })).body;
    expect(short).toContain('Hãy gõ ít nhất 2 chữ của tên thôn hoặc xã, ví dụ &quot;chieng&quot;.');
    expect(short).not.toContain('Hãy gõ tên ngắn hơn');
    const none = (await app.inject({ method: 'GET', url: '/to-cua-toi?tinh=14&q=zzzz' })).body;
    expect(none).toContain('Không tìm thấy xã, thôn nào khớp &quot;zzzz&quot; trong Sơn La. Hãy gõ tên ngắn hơn, ví dụ chỉ tên thôn.');
  });

  it('says when more places match than the 30 it shows, and not when all are shown', async () => {
    const many = (await app.inject({ method: 'GET', url: '/to-cua-toi?tinh=14&q=ng' })).body;
    expect(many.match(/<li><a href="\/to-cua-toi\//g)?.length).toBe(30);
    expect(many).toContain('Còn nhiều nơi khác khớp "ng"; đây là 30 nơi đầu. Hãy gõ thêm tên thôn và xã, ví dụ "chieng xom", để tìm đúng nơi của mình.');
    const few = (await app.inject({ method: 'GET', url: '/to-cua-toi?tinh=14&q=tieu%20khu%206' })).body;
    expect(few).not.toContain('Còn nhiều nơi khác khớp');
  });
});

describe('the article page served from memory', () => {
  it('shows every change on the next request, whoever made it, and sends gzip with an ETag', async () => {
    const get = (headers: Record<string, string> = {}) => app.inject({ method: 'GET', url: `/tin/${articleId}`, headers });
    const first = await get({ 'accept-encoding': 'gzip, deflate' });
    expect([first.statusCode, first.headers['content-encoding'], first.headers.vary]).toEqual([200, 'gzip', 'accept-encoding']);
    const plain = await get();
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect((await import('node:zlib')).gunzipSync(first.rawPayload).toString('utf8')).toBe(plain.body);
    expect((await get({ 'if-none-match': String(plain.headers.etag) })).statusCode).toBe(304);
    // another process on the same database changes a comment: the triggers move the revision
    const [c] = await queryRows<{ id: number }>(database.db, sql`select id from portal_comments where article_id = ${articleId} and status = 'published' order by id limit 1`);
    await database.db.execute(sql`update portal_comments set body = 'Sửa bởi tiến trình khác' where id = ${c.id}`);
    const after = await get({ 'if-none-match': String(plain.headers.etag) });
    expect(after.statusCode).toBe(200);
    expect(after.body).toContain('Sửa bởi tiến trình khác');
    await database.db.execute(sql`delete from portal_comments where id = ${c.id}`);
    expect((await get()).body).not.toContain(`id="bl-${c.id}"`);
    // withdrawn: gone at once, and back when published again
    await database.db.execute(sql`update portal_articles set status = 'withdrawn' where id = ${articleId}`);
    expect((await get()).statusCode).toBe(404);
    await database.db.execute(sql`update portal_articles set title = 'Tiêu đề mới', status = 'published' where id = ${articleId}`);
    const back = await get();
    expect([back.statusCode, back.body.includes('Tiêu đề mới')]).toEqual([200, true]);
    // an id is decimal digits: no hex, exponent or padding reaches an article
    for (const url of [`/tin/0x${articleId.toString(16)}`, `/tin/${articleId}e0`, `/tin/0${articleId}`, `/tin/%20${articleId}`]) expect([url, (await app.inject({ method: 'GET', url })).statusCode]).toEqual([url, 404]);
  });
});
