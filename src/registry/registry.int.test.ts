import { ALL } from '../access/access.policy.js';
import { describe, expect, it } from 'vitest';
import type { Database } from '../db/client.js';
import { importRoster } from '../imports/imports.service.js';
import { signedInClient, type TestClient } from '../../test/auth.js';
import { type TestAppInstance, withTestApp } from '../../test/db.js';
import { csv, HEADER } from '../../test/fixtures.js';

let database: Database;
let app: TestAppInstance;
let admin: TestClient;
withTestApp(async (t) => {
  ({ database, app } = t);
  admin = await signedInClient(app, database.db, { username: 'quantri', role: 'admin' });
  const roster = csv([
    HEADER,
    ['Sơn La', 'Chiềng Xôm', 'Thành phố Sơn La', '', 'Nguyễn Thị Hà', 'Nữ', 1990, '0912000001', 'Thành viên', ''],
    ['Sơn La', 'Chiềng Xôm', 'Thành phố Sơn La', '', 'Lê Văn An', 'Nam', 1991, '0912000002', 'Thành viên', ''],
    ['Sơn La', 'Chiềng Xôm', 'Thành phố Sơn La', '', 'Hà Thị Hiền', 'Nữ', 1995, '0912000003', 'Tổ trưởng', 'Bí thư Đoàn xã'],
    ['Sơn La', 'Chiềng Xôm', 'Thành phố Sơn La', '', 'Bùi Thị Hà', 'Nữ', 1992, '0912000004', 'Tổ phó', ''],
    ['Sơn La', 'Chiềng Xôm', 'Thành phố Sơn La', 'Bản Xôm', 'Đặng Văn Bình', 'Nam', 1980, '0912000005', 'Thành viên', ''],
  ]);
  await importRoster(database.db, { name: 'r.csv', data: roster }, { scope: ALL, commit: true, maxBytes: 1e7 });
});
const get = (url: string) => admin.get(url);

describe('registry API', () => {
  it('lists the teams of a commune with member counts', async () => {
    const teams = (await get('/api/teams?unit=03664')).json().teams;
    expect(teams.map((t: { name: string; level: string; unitCode: string; members: number }) => [t.name, t.level, t.unitCode, t.members])).toEqual([
      ['Tổ công nghệ số cộng đồng xã Chiềng Xôm', 'commune', '03664', 4],
      ['Tổ công nghệ số cộng đồng Bản Xôm', 'village', '03664.001', 1],
    ]);
    expect((await get('/api/teams?unit=14')).json().teams).toHaveLength(2);
    expect((await get('/api/teams?unit=03664.001')).json().teams).toHaveLength(1);
  });

  it('shows a team leader first, then deputies, then members by given name', async () => {
    const [team] = (await get('/api/teams?unit=03664')).json().teams;
    const detail = (await get(`/api/teams/${team.id}`)).json();
    expect([detail.unit.code, detail.unit.name, detail.commune.code]).toEqual(['03664', 'Phường Chiềng An', '03664']);
    expect(detail.members.map((m: { fullName: string; role: string; phone: string }) => [m.role, m.fullName, m.phone])).toEqual([
      ['leader', 'Hà Thị Hiền', '0912 000 003'],
      ['deputy', 'Bùi Thị Hà', '0912 000 004'],
      ['member', 'Lê Văn An', '0912 000 002'],
      ['member', 'Nguyễn Thị Hà', '0912 000 001'],
    ]);
    expect((await get('/api/teams/999999')).statusCode).toBe(404);
    expect((await get('/api/teams/abc')).statusCode).toBe(400);
  });

  it('searches teams and members ignoring diacritics and đ', async () => {
    const hits = (await get('/api/search?q=ban%20xom')).json();
    expect(hits.teams.map((t: { name: string }) => t.name)).toEqual(['Tổ công nghệ số cộng đồng Bản Xôm']);
    const people = (await get('/api/search?q=dang%20van')).json();
    expect(people.members.map((m: { fullName: string; teamName: string }) => [m.fullName, m.teamName])).toEqual([['Đặng Văn Bình', 'Tổ công nghệ số cộng đồng Bản Xôm']]);
    const ha = (await get('/api/search?q=thi%20ha')).json();
    expect(ha.members.map((m: { fullName: string }) => m.fullName)).toEqual(['Bùi Thị Hà', 'Nguyễn Thị Hà']);
    expect((await get('/api/search?q=a')).statusCode).toBe(400);
    expect((await get(`/api/search?q=${encodeURIComponent("'; drop table members; --")}`)).statusCode).toBe(200);
  });

  it('says where every team and member hit is: its unit, commune and province', async () => {
    const hits = (await get('/api/search?q=ban%20xom')).json();
    expect(hits.teams).toEqual([
      { id: expect.any(Number), name: 'Tổ công nghệ số cộng đồng Bản Xôm', level: 'village', unitCode: '03664.001', unitName: 'Bản Xôm', communeCode: '03664', communeName: 'Phường Chiềng An', provinceCode: '14' },
    ]);
    const [member] = (await get('/api/search?q=dang%20van')).json().members;
    expect(member).toEqual({ memberId: expect.any(Number), fullName: 'Đặng Văn Bình', birthYear: 1980, teamId: hits.teams[0].id, teamName: 'Tổ công nghệ số cộng đồng Bản Xôm', role: 'member', unitCode: '03664.001', unitName: 'Bản Xôm', communeCode: '03664', communeName: 'Phường Chiềng An', provinceCode: '14' });
    const [leader] = (await get('/api/search?q=ha%20thi%20hien')).json().members;
    expect([leader.unitCode, leader.communeCode, leader.communeName]).toEqual(['03664', '03664', 'Phường Chiềng An']);
  });
});

describe('GET /api/units?q=: every hit names the unit it lies in', () => {
  it('gives a village with its commune, and a commune with its province', async () => {
    const { units } = (await get('/api/units?q=ban%20xom')).json();
    expect(units.map((u: { code: string; name: string; level: string; parent: { code: string; name: string } | null }) => [u.code, u.name, u.level, u.parent?.code, u.parent?.name])).toEqual([['03664.001', 'Bản Xôm', 'village', '03664', 'Phường Chiềng An']]);
    const ward = (await get('/api/units?q=chieng%20an')).json().units.find((u: { code: string }) => u.code === '03664');
    expect([ward.name, ward.status, ward.parent.code, ward.parent.name, ward.parent.level]).toEqual(['Phường Chiềng An', 'current', '14', 'Sơn La', 'province']);
    const province = (await get('/api/units?q=ha%20noi')).json().units.find((u: { level: string }) => u.level === 'province');
    expect([province.name, province.parent]).toEqual(['Thành phố Hà Nội', null]);
  });
});
