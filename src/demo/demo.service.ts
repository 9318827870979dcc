import { sql } from 'drizzle-orm';
import { adminUnits, adminUnitSuccessors } from '../catalogue/catalogue.schema.js';
import { type Db, queryRows } from '../db/client.js';
import { chunks } from '../db/batch.js';
import { AppError } from '../http/errors.js';
import { analyzeRegistry, bumpRevision } from '../registry/registry.repo.js';
import { members, teamMembers, teams } from '../registry/registry.schema.js';
import { villageKind, type Affiliation } from '../registry/registry.vocabulary.js';
import { compareVietnamese, nameKey, searchKey } from '../text/vietnamese.js';

/**
 * Demo data: Sơn La's network at the size the source article gives (1,459 teams, 8,966 members:
 * 204 commune-level teams with 1,220 members, 1,255 village-level teams with 7,746 members), on
 * Sơn La's 75 real communes. Commune-level teams carry the names of the pre-2025 communes they
 * were founded in; villages and people are generated with a seeded generator, so every run gives
 * the same network. Refuses to run on a database that already has teams.
 */
export const SON_LA = { code: '14', communeTeams: 204, communeMembers: 1220, villageTeams: 1255, villageMembers: 7746 } as const;

/** mulberry32: a small seeded PRNG, so the demo is reproducible. */
export function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FAMILY = ['Lò', 'Quàng', 'Cầm', 'Lường', 'Tòng', 'Vì', 'Hà', 'Lù', 'Điêu', 'Nguyễn', 'Trần', 'Lê', 'Phạm', 'Đinh', 'Hoàng', 'Giàng', 'Sùng', 'Mùa', 'Thào', 'Bạc'];
const MALE = ['Văn An', 'Văn Bình', 'Văn Cường', 'Văn Dũng', 'Văn Hùng', 'Văn Khánh', 'Văn Long', 'Văn Minh', 'Văn Nam', 'Văn Phong', 'Văn Quân', 'Văn Sơn', 'Văn Thắng', 'Văn Tuấn', 'A Dính', 'A Sênh', 'Đức Anh', 'Minh Hiếu', 'Quang Huy', 'Văn Ánh'];
const FEMALE = ['Thị Hiền', 'Thị Hà', 'Thị Bống', 'Thị Lan', 'Thị Mai', 'Thị Nga', 'Thị Oanh', 'Thị Phương', 'Thị Quỳnh', 'Thị Thảo', 'Thị Thủy', 'Thị Hòa', 'Thị Ánh', 'Thị Duyên', 'Thị Hương', 'Thị Linh', 'Thị Xuân', 'Thị Yến', 'Thu Trang', 'Ngọc Ánh'];
const VILLAGE_WORDS = ['Hụm', 'Nà', 'Pá', 'Huổi', 'Co', 'Phiêng', 'Nậm', 'Bó', 'Lếch', 'Hin', 'Cang', 'Tòng', 'Ten', 'Cọ', 'Xôm', 'Muông', 'Lay', 'Sẳng', 'Mòn', 'Khoang', 'Bon', 'Púng', 'Có', 'Sàng', 'Lạn', 'Mé', 'Pàn', 'Chiềng', 'Ỏ', 'Nong'];

/** Splits `total` over `weights` by largest remainder (ties to the earlier weight), each share at least `min`. */
export function apportion(total: number, weights: number[], min = 0): number[] {
  const rest = total - min * weights.length;
  const sum = weights.reduce((a, b) => a + b, 0);
  const raw = weights.map((w) => (rest * w) / sum);
  const out = raw.map((r) => min + Math.floor(r));
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0]);
  for (let k = 0; out.reduce((a, b) => a + b, 0) < total; k++) out[order[k % order.length][1]]++;
  return out;
}

export async function generateDemo(db: Db): Promise<{ teams: number; members: number; villages: number }> {
  const [{ n }] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from teams`);
  if (n > 0) throw new AppError('DEMO_DATABASE_NOT_EMPTY', `Cơ sở dữ liệu đã có ${n} tổ; dữ liệu mẫu chỉ tạo trên cơ sở dữ liệu trống (xoá thư mục data/ hoặc dùng NGOSO_DATA_DIR khác).`);
  const random = prng(2025);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];

  const communes = await queryRows<{ id: number; code: string; name: string; kind: string }>(
    db,
    sql`select id, code, name, kind from admin_units where province_code = ${SON_LA.code} and level = 'commune' and valid_to is null`,
  );
  communes.sort((a, b) => a.code.localeCompare(b.code));
  const predecessors = await queryRows<{ successorId: number; name: string; code: string | null }>(
    db,
    sql`select s.successor_id as "successorId", u.name, u.code from ${adminUnitSuccessors} s join ${adminUnits} u on u.id = s.predecessor_id
         where u.province_code = ${SON_LA.code} and u.level = 'commune'`,
  );
  const oldOf = new Map<number, string[]>(communes.map((c) => [c.id, []]));
  for (const p of predecessors) oldOf.get(p.successorId)?.push(p.name);
  for (const list of oldOf.values()) list.sort(compareVietnamese);

  const result = await db.transaction(async (tx) => {
    // commune-level teams: one per former commune, at least one per current commune
    const weights = communes.map((c) => Math.max(1, oldOf.get(c.id)!.length));
    const communeTeamCounts = apportion(SON_LA.communeTeams, weights, 1);
    const villageCounts = apportion(SON_LA.villageTeams, weights, 1);
    const teamRows: (typeof teams.$inferInsert)[] = [];
    communes.forEach((c, i) => {
      const olds = oldOf.get(c.id)!;
      for (let k = 0; k < communeTeamCounts[i]; k++) {
        const base = olds[k] ?? `${c.name} (${k + 1})`;
        const label = base.charAt(0).toLocaleLowerCase('vi') + base.slice(1);
        const name = `Tổ công nghệ số cộng đồng ${label}`;
        teamRows.push({ level: 'commune', unitId: c.id, communeId: c.id, provinceCode: SON_LA.code, name, nameKey: nameKey(name), searchKey: searchKey(name), establishedOn: '2022-03-15' });
      }
    });

    // villages: bản in rural communes, tổ dân phố and tiểu khu in wards
    const villageRows: (typeof adminUnits.$inferInsert)[] = [];
    const villageCommune: number[] = [];
    communes.forEach((c, i) => {
      const used = new Set<string>();
      for (let k = 0; k < villageCounts[i]; k++) {
        let name: string;
        if (c.kind === 'phuong') name = k % 3 === 2 ? `Tiểu khu ${k + 1}` : `Tổ dân phố ${k + 1}`;
        else {
          do name = `Bản ${pick(VILLAGE_WORDS)} ${pick(VILLAGE_WORDS)}`;
          while (used.has(name) || name.split(' ')[1] === name.split(' ')[2]);
        }
        used.add(name);
        villageRows.push({ code: `${c.code}.${String(k + 1).padStart(3, '0')}`, level: 'village', kind: villageKind(name), name, shortName: name, nameKey: nameKey(name), searchKey: searchKey(name), parentId: c.id, provinceCode: SON_LA.code, source: 'demo' });
        villageCommune.push(c.id);
      }
    });
    const villageIds: number[] = [];
    for (const chunk of chunks(villageRows, 1000)) villageIds.push(...(await tx.insert(adminUnits).values(chunk).returning({ id: adminUnits.id })).map((r) => r.id));
    villageRows.forEach((v, i) => {
      const name = `Tổ công nghệ số cộng đồng ${v.name}`;
      teamRows.push({ level: 'village', unitId: villageIds[i], communeId: villageCommune[i], provinceCode: SON_LA.code, name, nameKey: nameKey(name), searchKey: searchKey(name), establishedOn: '2022-06-01' });
    });
    const teamIds: number[] = [];
    for (const chunk of chunks(teamRows, 1000)) teamIds.push(...(await tx.insert(teams).values(chunk).returning({ id: teams.id })).map((r) => r.id));

    // members: sizes split so the totals are exactly the article's
    const communeSizes = apportion(SON_LA.communeMembers, Array(SON_LA.communeTeams).fill(1));
    const villageSizes = apportion(SON_LA.villageMembers, Array(SON_LA.villageTeams).fill(1));
    const sizes = [...communeSizes, ...villageSizes];
    const people: (typeof members.$inferInsert)[] = [];
    const links: { team: number; role: 'leader' | 'deputy' | 'member'; affiliations: Affiliation[]; joinedOn: string }[] = [];
    let phone = 0;
    sizes.forEach((size, t) => {
      const communeLevel = t < SON_LA.communeTeams;
      for (let k = 0; k < size; k++) {
        const female = random() < 0.56;
        const fullName = `${pick(FAMILY)} ${pick(female ? FEMALE : MALE)}`;
        const birthYear = 2006 - Math.floor(random() ** 1.4 * 42);
        const role = k === 0 ? 'leader' : k === 1 ? 'deputy' : 'member';
        const affiliations: Affiliation[] = [];
        if (communeLevel && k === 0) affiliations.push('party_cell');
        if (!communeLevel && k === 0) affiliations.push('village_head');
        if (communeLevel && k === 2) affiliations.push('police');
        if (communeLevel && k === 3 && random() < 0.5) affiliations.push('post_telecom');
        const roll = random();
        if (2025 - birthYear <= 30 || roll < 0.3) affiliations.push('youth_union');
        else if (female && roll < 0.8) affiliations.push('womens_union');
        else if (roll < 0.85) affiliations.push('farmers_union');
        else if (roll < 0.9) affiliations.push('veterans');
        else if (roll < 0.93) affiliations.push('fatherland_front');
        phone++;
        const prefix = ['091', '098', '097', '086', '036', '038', '081', '088'][phone % 8];
        people.push({ fullName, nameKey: nameKey(fullName), searchKey: searchKey(fullName), gender: female ? 'female' : 'male', birthYear, phone: `+84${prefix.slice(1)}${String(1000000 + phone * 37).slice(-7)}` });
        // members joined when their team was founded, so years of session history are valid
        links.push({ team: teamIds[t], role, affiliations: [...new Set(affiliations)], joinedOn: teamRows[t].establishedOn! });
      }
    });
    const memberIds: number[] = [];
    for (const chunk of chunks(people, 5000)) memberIds.push(...(await tx.insert(members).values(chunk).returning({ id: members.id })).map((r) => r.id));
    for (const chunk of chunks(links.map((l, i) => ({ teamId: l.team, memberId: memberIds[i], role: l.role, affiliations: l.affiliations, joinedOn: l.joinedOn })), 5000)) {
      await tx.insert(teamMembers).values(chunk);
    }
    await bumpRevision(tx);
    return { teams: teamIds.length, members: memberIds.length, villages: villageIds.length };
  });
  await analyzeRegistry(db);
  return result;
}
