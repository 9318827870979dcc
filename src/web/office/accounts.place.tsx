// Where an account works, as the create form (accounts.create.tsx) and the editor (accounts.edit.tsx)
// ask it: a province, a commune, a team, by the role chosen — only inside the officer's scope (a
// commune officer's commune is fixed; a province officer's province). The server checks the same
// (users.service.ts placeAccount).
import { useEffect, useState } from 'preact/hooks';
import type { Role } from '../../access/access.policy.js';
import { api } from './client.js';
import { value } from './forms.js';
import { session } from './session.js';
import { Field } from './ui.js';

/** What each role is tied to: nothing (admin), a province, a commune, a province or commune, a team. */
export const NEEDS: Record<Role, { province: boolean; commune: boolean | 'optional'; team: boolean }> = {
  admin: { province: false, commune: false, team: false },
  province_officer: { province: true, commune: false, team: false },
  commune_officer: { province: true, commune: true, team: false },
  viewer: { province: true, commune: 'optional', team: false },
  team_leader: { province: true, commune: true, team: true },
  member: { province: true, commune: true, team: true },
};
const NOTHING = { province: false, commune: false, team: false } as const;

export type Option = { value: string; text: string };

/** Children of a unit (provinces when `parent` is left out) as select options; none when the call fails. */
async function unitOptions(parent?: string): Promise<Option[]> {
  const r = await api.call('GET /api/units', { query: { parent } }).catch(() => ({ units: [] }));
  return 'units' in r ? (r.units as { code: string | null; name: string }[]).filter((u) => u.code).map((u) => ({ value: u.code!, text: u.name })) : [];
}

export interface PlacePick {
  /** the fields to show for the role (none for admin) */
  fields: preact.JSX.Element;
  need: (typeof NEEDS)[Role];
  /** the unit code to send (officers, inspectors), or undefined */
  unit: string | undefined;
  /** the team to send (team leaders and members), or undefined */
  teamId: number | undefined;
  /** what is still missing, in words, or null */
  problem: () => string | null;
  /** the chosen place in words ("Phường Chiềng An", a team's name, "toàn hệ thống") */
  where: () => string | undefined;
}

/**
 * The place fields for `role`, ids prefixed with `prefix` ("acc" → #acc-province, #acc-commune,
 * #acc-team). `start` preselects a current place (the editor: the account's commune and team).
 * `ownCommune` names the officer's commune when the session does not.
 */
export function usePlace(prefix: string, role: Role | '', start: { province?: string; commune?: string; teamId?: number } = {}, ownCommune?: { code: string; name: string } | null): PlacePick {
  const s = session.scope!;
  const need = NEEDS[role as Role] ?? NOTHING;
  const [province, setProvince] = useState(start.province ?? '');
  const [commune, setCommune] = useState(start.commune ?? '');
  const [team, setTeam] = useState(start.teamId ? String(start.teamId) : '');
  const [provinces, setProvinces] = useState<Option[]>([]);
  const [communes, setCommunes] = useState<Option[]>([]);
  const [teams, setTeams] = useState<Option[] | null>(null);

  // a commune officer places accounts in their own commune only (GET /api/auth/me names it)
  const own = session.unit?.code && session.unit.level === 'commune' ? { code: session.unit.code, name: session.unit.name } : ownCommune ?? null;
  const fixedCommune = s.kind === 'commune' && own?.code ? { value: own.code, text: own.name } : null;

  // provinces the officer may choose from: only their own when scoped
  useEffect(() => {
    unitOptions().then((all) => {
      const mine = s.kind === 'all' ? all : all.filter((p) => 'provinceCode' in s && p.value === s.provinceCode);
      setProvinces(mine);
      if (mine.length === 1) setProvince(mine[0].value);
    });
  }, []);
  useEffect(() => {
    let current = true;
    setCommune((c) => fixedCommune?.value ?? (start.commune && province === start.province && c === start.commune ? c : ''));
    if (fixedCommune) setCommunes([fixedCommune]);
    else if (province && need.commune) unitOptions(province).then((units) => current && setCommunes(units));
    else setCommunes([]);
    return () => void (current = false);
  }, [province, role]);
  useEffect(() => {
    let current = true;
    setTeam((t) => (start.teamId && commune === start.commune && t === String(start.teamId) ? t : ''));
    setTeams(null);
    if (need.team && commune) {
      api.call('GET /api/teams', { query: { unit: commune } }).then(
        ({ teams }) => current && setTeams(teams.map((t) => ({ value: String(t.id), text: t.unitCode !== commune ? `${t.name} (${t.unitName})` : t.name }))),
        () => current && setTeams([]),
      );
    }
    return () => void (current = false);
  }, [commune, role]);

  const fields = (
    <>
      {need.province ? (
        <Field label="Tỉnh, thành phố" id={`${prefix}-province`}>
          <select id={`${prefix}-province`} name={`${prefix}-province`} value={province} onChange={value(setProvince)}>
            {provinces.length > 1 ? <option value="">— Chọn tỉnh, thành phố —</option> : null}
            {provinces.map((p) => (
              <option key={p.value} value={p.value}>
                {p.text}
              </option>
            ))}
          </select>
        </Field>
      ) : null}
      {need.commune ? (
        <Field label="Xã, phường, đặc khu" id={`${prefix}-commune`}>
          <select id={`${prefix}-commune`} name={`${prefix}-commune`} value={commune} onChange={value(setCommune)}>
            {fixedCommune || !province ? null : <option value="">{need.commune === 'optional' ? '— Cả tỉnh —' : '— Chọn xã, phường —'}</option>}
            {communes.map((c) => (
              <option key={c.value} value={c.value}>
                {c.text}
              </option>
            ))}
          </select>
        </Field>
      ) : null}
      {need.team ? (
        <Field label="Tổ" id={`${prefix}-team`} hint="Tổ trưởng và thành viên chỉ xem được tổ của mình. Tổ có trong sổ sau khi nhập danh sách tổ.">
          <select id={`${prefix}-team`} name={`${prefix}-team`} aria-describedby={`${prefix}-team-hint`} value={team} onChange={value(setTeam)}>
            {teams ? <option value="">{teams.length ? '— Chọn tổ —' : '— Xã này chưa có tổ nào —'}</option> : null}
            {(teams ?? []).map((t) => (
              <option key={t.value} value={t.value}>
                {t.text}
              </option>
            ))}
          </select>
        </Field>
      ) : null}
    </>
  );
  return {
    fields,
    need,
    unit: need.team ? undefined : need.province ? commune || province || undefined : undefined,
    teamId: need.team ? Number(team) || undefined : undefined,
    problem: () => (need.province && !province ? 'Hãy chọn tỉnh, thành phố.' : null) ?? (need.commune === true && !commune ? 'Hãy chọn xã, phường.' : null) ?? (need.team && !team ? 'Hãy chọn tổ.' : null),
    where: () => (need.team ? teams?.find((t) => t.value === team)?.text : need.province ? (commune ? communes.find((c) => c.value === commune) : provinces.find((p) => p.value === province))?.text : 'toàn hệ thống'),
  };
}
