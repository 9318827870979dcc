import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../src/db/client.js';
import type { GeneratedProvince } from './fixtures/province/generator.js';

/**
 * The generated province's registry (test/fixtures/province) as comparable maps: per (current
 * commune code, level, village) the member lines "name|gender|year|phone|role", sorted, and how
 * many teams hold them (an old commune's own team keeps its name, so merged communes give one
 * commune-level team each).
 */
export const member = (m: { fullName: string; gender: string | null; birthYear: number | null; phone: string | null; role: string }) => `${m.fullName}|${m.gender ?? '-'}|${m.birthYear ?? '-'}|${m.phone ?? '-'}|${m.role}`;
export const teamKey = (t: { code: string; level: string; village: string | null }) => `${t.code}|${t.level}|${t.village ?? ''}`;

export type RegistryMap = Map<string, { members: string[]; teams: number }>;

/** What the generator made. */
export function expectedRegistry(p: GeneratedProvince): RegistryMap {
  const teams: RegistryMap = new Map();
  for (const [code, c] of Object.entries(p.expected.communes)) {
    for (const t of c.teams) teams.set(teamKey({ code, level: t.level, village: t.village }), { members: t.members.map(member).sort(), teams: t.level === 'commune' ? t.oldCommunes.length : 1 });
  }
  return teams;
}

/** What the database holds. */
export async function actualRegistry(db: Db): Promise<RegistryMap> {
  const rows = await queryRows<{ code: string; level: string; village: string | null; team: number; fullName: string; gender: string | null; birthYear: number | null; phone: string | null; role: string }>(
    db,
    sql`select c.code, t.level, case when t.level = 'village' then u.name end as village, t.id as team, m.full_name as "fullName", m.gender, m.birth_year as "birthYear", m.phone, tm.role
          from team_members tm join teams t on t.id = tm.team_id join members m on m.id = tm.member_id
          join admin_units u on u.id = t.unit_id join admin_units c on c.id = t.commune_id`,
  );
  const teams = new Map<string, { members: string[]; teams: Set<number> }>();
  for (const r of rows) {
    const t = teams.get(teamKey(r)) ?? { members: [], teams: new Set<number>() };
    t.members.push(member(r));
    t.teams.add(r.team);
    teams.set(teamKey(r), t);
  }
  return new Map([...teams].map(([k, t]) => [k, { members: t.members.sort(), teams: t.teams.size }]));
}

/** Every difference, in words (empty when the registries are equal). */
export function registryDifferences(actual: RegistryMap, expected: RegistryMap): string[] {
  return [...new Set([...actual.keys(), ...expected.keys()])].flatMap((k) => {
    const [a, e] = [actual.get(k), expected.get(k)];
    if (!a || !e || a.teams !== e.teams) return [`${k}: ${a?.teams ?? 0} teams ≠ ${e?.teams ?? 0}`];
    const missing = e.members.filter((m) => !a.members.includes(m));
    const extra = a.members.filter((m) => !e.members.includes(m));
    return missing.length || extra.length ? [`${k}: missing ${missing.join(', ')}; extra ${extra.join(', ')}`] : [];
  });
}
