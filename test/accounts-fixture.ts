import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { ALL } from '../src/access/access.policy.js';
import { type Db, queryRows } from '../src/db/client.js';
import { importRoster } from '../src/imports/imports.service.js';
import { signedInClient, type TestClient } from './auth.js';
import { csv, HEADER } from './fixtures.js';

/**
 * The world of the account tests: Phường Chiềng An (03664) with a commune-level team and the
 * village team of Bản Hụm, Xã Mai Sơn (04105) with one team; a person on both Chiềng An teams
 * (Quàng Văn Em) and one on teams of both communes (Hoàng Văn Chung). Officers signed in at the
 * province, each commune, and an admin.
 */
export const ROSTER: (string | number)[][] = [
  ['Sơn La', 'Chiềng An', '', '', 'Nguyễn Văn An', 'Nam', 1980, '0913000001', 'Tổ trưởng', ''],
  ['Sơn La', 'Chiềng An', '', '', 'Lò Thị Bình', 'Nữ', 1985, '0913000002', 'Tổ phó', ''],
  ['Sơn La', 'Chiềng An', '', '', 'Cà Văn Cường', 'Nam', 1990, '', 'Thành viên', ''],
  ['Sơn La', 'Chiềng An', '', '', 'Nguyễn Văn Dũng', 'Nam', 1991, '0913000004', '', ''],
  ['Sơn La', 'Chiềng An', '', '', 'Quàng Văn Em', 'Nam', 1993, '0913000006', '', ''],
  ['Sơn La', 'Chiềng An', '', '', 'Hoàng Văn Chung', 'Nam', 1970, '0913000031', '', ''],
  ['Sơn La', 'Chiềng An', '', 'Bản Hụm', 'Lường Thị Dung', 'Nữ', 1992, '0913000005', 'Tổ trưởng', ''],
  ['Sơn La', 'Chiềng An', '', 'Bản Hụm', 'Quàng Văn Em', 'Nam', 1993, '0913000006', '', ''],
  ['Sơn La', 'Chiềng An', '', 'Bản Hụm', 'Cà Văn Cường', 'Nam', 2000, '', '', ''],
  ['Sơn La', 'Mai Sơn', '', '', 'Cầm Văn Xa', 'Nam', 1980, '0913000021', 'Tổ trưởng', ''],
  ['Sơn La', 'Mai Sơn', '', '', 'Hoàng Văn Chung', 'Nam', 1970, '0913000031', '', ''],
];

export interface AccountsWorld {
  /** team ids: Chiềng An's commune team, Bản Hụm's, Mai Sơn's */
  teams: { an: number; hum: number; mai: number };
  teamNames: { an: string; hum: string; mai: string };
  /** member ids by name ("Cà Văn Cường" of Chiềng An's team is `cuong`, of Bản Hụm `cuong2`) */
  m: Record<'an' | 'binh' | 'cuong' | 'dung' | 'em' | 'chung' | 'dungHum' | 'cuong2' | 'xa', number>;
  /** unit ids: the communes and the village */
  units: { an: number; mai: number; hum: number };
  admin: TestClient;
  province: TestClient;
  /** commune officer of Chiềng An, and of Mai Sơn */
  officer: TestClient;
  officerMai: TestClient;
  /** a second commune officer of Chiềng An (same role: not theirs to change) */
  peer: TestClient;
  viewer: TestClient;
}

export async function buildAccountsWorld(app: FastifyInstance, db: Db): Promise<AccountsWorld> {
  for (const [name, rows] of [['chieng-an.csv', ROSTER.slice(0, 6)], ['ban-hum.csv', ROSTER.slice(6, 9)], ['mai-son.csv', ROSTER.slice(9)]] as const) {
    const r = await importRoster(db, { name, data: csv([HEADER, ...rows]) }, { scope: ALL, commit: true, maxBytes: 1e7 });
    if (r.counts.invalid) throw new Error(`accounts fixture: ${JSON.stringify(r.problems)}`);
  }
  const teams = await queryRows<{ id: number; name: string; commune: string; village: string | null }>(
    db,
    sql`select t.id, t.name, c.code as commune, case when t.level = 'village' then u.name end as village from teams t join admin_units c on c.id = t.commune_id join admin_units u on u.id = t.unit_id`,
  );
  const team = (commune: string, village: string | null) => teams.find((t) => t.commune === commune && t.village === village)!;
  const people = await queryRows<{ id: number; fullName: string; birthYear: number; teamId: number }>(
    db,
    sql`select m.id, m.full_name as "fullName", m.birth_year as "birthYear", tm.team_id as "teamId" from members m join team_members tm on tm.member_id = m.id`,
  );
  const id = (name: string, year?: number) => people.find((p) => p.fullName === name && (year === undefined || p.birthYear === year))!.id;
  const units = (await queryRows<{ an: number; mai: number; hum: number }>(
    db,
    sql`select (select id from admin_units where code = '03664' and valid_to is null) as an, (select id from admin_units where code = '04105' and valid_to is null) as mai,
               (select unit_id from teams where id = ${team('03664', 'Bản Hụm').id}) as hum`,
  ))[0];
  return {
    teams: { an: team('03664', null).id, hum: team('03664', 'Bản Hụm').id, mai: team('04105', null).id },
    teamNames: { an: team('03664', null).name, hum: team('03664', 'Bản Hụm').name, mai: team('04105', null).name },
    m: {
      an: id('Nguyễn Văn An'),
      binh: id('Lò Thị Bình'),
      cuong: id('Cà Văn Cường', 1990),
      dung: id('Nguyễn Văn Dũng'),
      em: id('Quàng Văn Em'),
      chung: id('Hoàng Văn Chung'),
      dungHum: id('Lường Thị Dung'),
      cuong2: id('Cà Văn Cường', 2000),
      xa: id('Cầm Văn Xa'),
    },
    units,
    admin: await signedInClient(app, db, { username: 'qt.admin', role: 'admin' }),
    province: await signedInClient(app, db, { username: 'cb.tinh', role: 'province_officer', unit: '14' }),
    officer: await signedInClient(app, db, { username: 'cb.chiengan', role: 'commune_officer', unit: '03664' }),
    officerMai: await signedInClient(app, db, { username: 'cb.maison', role: 'commune_officer', unit: '04105' }),
    peer: await signedInClient(app, db, { username: 'cb.chiengan2', role: 'commune_officer', unit: '03664' }),
    viewer: await signedInClient(app, db, { username: 'tt.tinh', role: 'viewer', unit: '14' }),
  };
}

/** Rows of a table (for "nothing was written"): the number of users, codes and audit entries. */
export async function counts(db: Db): Promise<{ users: number; codes: number; audit: number }> {
  const [row] = await queryRows<{ users: number; codes: number; audit: number }>(
    db,
    sql`select (select count(*)::int from users) as users, (select count(*)::int from one_time_codes) as codes, (select count(*)::int from audit_log where action <> 'access.denied') as audit`,
  );
  return row;
}

/** The audit entries of an account (newest first): action, before, after, places. */
export function auditOf(db: Db, userId: number) {
  return queryRows<{ action: string; userId: number | null; before: unknown; after: unknown; provinceCode: string | null; communeId: number | null; targetProvinceCode: string | null; targetCommuneId: number | null }>(
    db,
    sql`select action, user_id as "userId", before, after, province_code as "provinceCode", commune_id as "communeId", target_province_code as "targetProvinceCode", target_commune_id as "targetCommuneId"
          from audit_log where entity = 'user' and entity_id = ${String(userId)} order by id desc`,
  );
}
