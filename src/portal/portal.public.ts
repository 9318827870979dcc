import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../db/client.js';
import { compareVietnamese, compareVietnameseNames, searchKey } from '../text/vietnamese.js';

/**
 * What the public pages read (issue 16): published articles, the provinces served (those with at
 * least one team), communes and villages, and each team's public face — its name, its leader's name,
 * and a phone only where that member agreed to publish it (`members.public_phone`). Nothing about
 * a resident is ever read here.
 */
export interface Province { id: number; code: string; name: string }
export interface ArticleCard { id: number; title: string; summary: string | null; publishedAt: string; site: string; kind: 'news' | 'guide'; serviceCode: string | null; comments: number }
export interface PublicArticle extends ArticleCard { unitId: number; provinceCode: string; bodyHtml: string; commentsOpen: boolean }

/** The provinces this server serves (with at least one team), in Vietnamese order. */
export async function servedProvinces(db: Db): Promise<Province[]> {
  const rows = await queryRows<Province>(db, sql`select p.id, p.code, p.name from admin_units p where p.level = 'province' and p.valid_to is null and exists (select 1 from teams t where t.province_code = p.code)`);
  return rows.sort((a, b) => compareVietnamese(a.name, b.name));
}

export async function provinceByCode(db: Db, code: string): Promise<Province | null> {
  if (!/^\d{2}$/.test(code)) return null;
  const [p] = await queryRows<Province>(db, sql`select id, code, name from admin_units where level = 'province' and code = ${code} and valid_to is null`);
  return p ?? null;
}

const card = sql`a.id, a.title, a.summary, a.published_at as "publishedAt", u.name as site, a.kind, a.service_code as "serviceCode",
  (select count(*)::int from portal_comments c where c.article_id = a.id and c.status = 'published') as comments`;

/** Published articles of the given sites (unit ids), newest first. */
export function articlesOf(db: Db, unitIds: number[], kind: 'news' | 'guide', limit = 20): Promise<ArticleCard[]> {
  return queryRows<ArticleCard>(db, sql`select ${card} from portal_articles a join admin_units u on u.id = a.unit_id
    where a.unit_id = any(${sql.param(unitIds)}::int[]) and a.kind = ${kind} and a.status = 'published' order by a.published_at desc, a.id desc limit ${limit}`);
}

/** One published article, or null. */
export async function publicArticle(db: Db, id: number): Promise<PublicArticle | null> {
  const [a] = await queryRows<PublicArticle>(db, sql`select ${card}, a.unit_id as "unitId", a.province_code as "provinceCode", a.body_html as "bodyHtml", a.comments_open as "commentsOpen"
    from portal_articles a join admin_units u on u.id = a.unit_id where a.id = ${id} and a.status = 'published'`);
  return a ?? null;
}

/** A province's published guide for a service, or null (the national default is shown then). */
export async function provinceGuide(db: Db, provinceCode: string, serviceCode: string): Promise<PublicArticle | null> {
  // the province's own site only: a commune's guide does not change what every commune reads
  const [a] = await queryRows<{ id: number }>(db, sql`select a.id from portal_articles a join admin_units u on u.id = a.unit_id and u.level = 'province'
    where a.province_code = ${provinceCode} and a.kind = 'guide' and a.service_code = ${serviceCode} and a.status = 'published' order by a.published_at desc limit 1`);
  return a ? publicArticle(db, a.id) : null;
}

/** The services of a province's catalogue (national and its own), in the catalogue's order. */
export function servicesOf(db: Db, provinceCode: string): Promise<{ code: string; name: string }[]> {
  return queryRows(db, sql`select code, name from support_services where active and (province_code is null or province_code = ${provinceCode}) order by sort_order, code`);
}

export interface Place { code: string; name: string; level: 'commune' | 'village'; commune: string; communeCode: string }

/** How many places the search shows at most. */
export const PLACES_SHOWN = 30;

/**
 * Communes and villages of a province whose name matches `q` without diacritics ("chieng xom",
 * "Chiềng Xôm" and "CHIENG XOM" alike), at most PLACES_SHOWN, communes first; `more` says that
 * other places match too (the page then asks for a longer name).
 */
export async function searchPlaces(db: Db, provinceCode: string, q: string): Promise<{ places: Place[]; more: boolean }> {
  const key = searchKey(q);
  if (key.length < 2) return { places: [], more: false };
  const like = `%${key.replace(/[%_\\]/g, '\\$&')}%`;
  const rows = await queryRows<Place>(db, sql`
    select u.code, u.name, u.level, coalesce(c.name, u.name) as commune, coalesce(c.code, u.code) as "communeCode" from admin_units u left join admin_units c on c.id = u.parent_id and u.level = 'village'
    where u.province_code = ${provinceCode} and u.valid_to is null and u.level in ('commune', 'village') and u.search_key like ${like}
    order by u.level = 'village', u.search_key limit ${PLACES_SHOWN + 1}`);
  return { places: rows.slice(0, PLACES_SHOWN), more: rows.length > PLACES_SHOWN };
}

/** The villages of a commune, in Vietnamese order (numbers by value). */
export async function villagesOf(db: Db, communeCode: string): Promise<{ code: string; name: string }[]> {
  const rows = await queryRows<{ code: string; name: string }>(db, sql`select v.code, v.name from admin_units v join admin_units c on c.id = v.parent_id where c.code = ${communeCode} and c.level = 'commune' and c.valid_to is null and v.level = 'village' and v.valid_to is null`);
  return rows.sort((a, b) => compareVietnamese(a.name, b.name));
}

export interface PlaceUnit { id: number; code: string; name: string; level: 'commune' | 'village'; provinceCode: string; communeId: number; communeCode: string; communeName: string }

/** A current commune or village by code, with its commune. */
export async function placeByCode(db: Db, code: string): Promise<PlaceUnit | null> {
  if (!/^\d{5}(\.\d{1,4})?$/.test(code)) return null;
  const [u] = await queryRows<PlaceUnit>(db, sql`select u.id, u.code, u.name, u.level, u.province_code as "provinceCode", coalesce(c.id, u.id) as "communeId", coalesce(c.code, u.code) as "communeCode", coalesce(c.name, u.name) as "communeName"
    from admin_units u left join admin_units c on c.id = u.parent_id and u.level = 'village' where u.code = ${code} and u.valid_to is null and u.level in ('commune', 'village')`);
  return u ?? null;
}

export interface PublicTeam { id: number; name: string; level: 'commune' | 'village'; village: string | null; leader: string | null; leaderPhone: string | null; members: number; contacts: { name: string; role: string; phone: string }[] }

/**
 * The active teams serving a place: for a village, its own teams and then the commune's; for a
 * commune, the commune's teams and every village team. Leaders by name; phones only of members who
 * agreed to publish them.
 */
export async function teamsServing(db: Db, place: PlaceUnit): Promise<PublicTeam[]> {
  const where = place.level === 'village' ? sql`t.commune_id = ${place.communeId} and (t.unit_id = ${place.id} or t.level = 'commune')` : sql`t.commune_id = ${place.communeId}`;
  const teams = await queryRows<{ id: number; name: string; level: 'commune' | 'village'; village: string | null }>(db, sql`
    select t.id, t.name, t.level, v.name as village from teams t left join admin_units v on v.id = t.unit_id and t.level = 'village' where ${where} and t.status = 'active'`);
  if (!teams.length) return [];
  const people = await queryRows<{ teamId: number; name: string; role: string; phone: string | null; publish: boolean }>(db, sql`
    select tm.team_id as "teamId", m.full_name as name, tm.role, m.phone, m.public_phone as publish from team_members tm join members m on m.id = tm.member_id
    where tm.team_id = any(${sql.param(teams.map((t) => t.id))}::int[]) and tm.left_on is null and m.merged_into_id is null`);
  const out = teams.map((t) => {
    const mine = people.filter((p) => p.teamId === t.id);
    const leader = mine.find((p) => p.role === 'leader') ?? null;
    const contacts = mine.filter((p) => p.publish && p.phone).sort((a, b) => compareVietnameseNames(a.name, b.name)).map((p) => ({ name: p.name, role: p.role, phone: p.phone! }));
    return { ...t, leader: leader?.name ?? null, leaderPhone: leader?.publish && leader.phone ? leader.phone : null, members: mine.length, contacts };
  });
  // the village's own team first, then the commune's, each in Vietnamese order
  return out.sort((a, b) => (a.level === b.level ? compareVietnamese(a.name, b.name) : place.level === 'village' ? (a.level === 'village' ? -1 : 1) : a.level === 'commune' ? -1 : 1));
}
