// The measures each page offers on its map (issue 17), computed from the very rows its table shows
// (the report the page already loaded), so the map's figure for a commune is the table's.
import type { Endpoints } from '../shared/endpoints.js';
import type { MapMeasure, MapRow } from './map.js';
import { vnNumber } from './map.classes.js';
import { num as n } from '../shared/format.js';

type Support = Endpoints['GET /api/reports/support']['response'];
type Network = Endpoints['GET /api/reports/network']['response'];
type Training = Endpoints['GET /api/reports/trainings']['response'];
type Board = Endpoints['GET /api/directives/:id/board']['response'];

/** `part` of `whole` as a share (0–100, %), null when there is no whole. */
const share = (part: number, whole: number | null | undefined) => (whole ? (part / whole) * 100 : null);
const perThousand = (part: number, population: number | null | undefined) => (population ? (part * 1000) / population : null);

function measure(id: string, label: string, unit: string, digits: number, rows: MapRow[]): MapMeasure {
  return { id, label, unit, digits, rows };
}

/**
 * The measure a map opens on: the page's first that has a figure for some place, so a province
 * without population figures yet opens on the sessions rather than on a map hatched all over; the
 * first when none has any.
 */
export function initialMeasure(measures: MapMeasure[]): MapMeasure | undefined {
  return measures.find((m) => m.rows.some((r) => r.value !== null)) ?? measures[0];
}

/** A province's dashboard (GET /api/reports/support, its communes): activity against population, coverage per service, active teams. */
export function supportMeasures(r: Support): MapMeasure[] {
  const communes = r.children.filter((c) => c.kind === 'commune' && c.code);
  const row = (c: Support['children'][number], value: number | null, text: string): MapRow => ({ code: c.code!, name: c.name, value, text });
  const noPop = 'chưa có số dân';
  const out: MapMeasure[] = [
    measure('headcount-per-1000', 'Lượt người dân được hướng dẫn trên 1.000 dân', '', 1, communes.map((c) => {
      const v = perThousand(c.headcount, c.population);
      return row(c, v, v === null ? `${n(c.headcount)} lượt; ${noPop}` : `${vnNumber(v)} lượt / 1.000 dân (${n(c.headcount)} lượt; ${n(c.population!)} dân)`);
    })),
    measure('sessions-per-1000', 'Buổi hướng dẫn trên 1.000 dân', '', 1, communes.map((c) => {
      const v = perThousand(c.sessions, c.population);
      return row(c, v, v === null ? `${n(c.sessions)} buổi; ${noPop}` : `${vnNumber(v)} buổi / 1.000 dân (${n(c.sessions)} buổi; ${n(c.population!)} dân)`);
    })),
    measure('active-teams', 'Tỷ lệ tổ có hoạt động trong kỳ', '%', 0, communes.map((c) => {
      const v = share(c.activeTeams ?? 0, c.teams);
      return row(c, v, v === null ? 'chưa có tổ đang hoạt động' : `${vnNumber(v, 0)}% (${n(c.activeTeams ?? 0)}/${n(c.teams ?? 0)} tổ có buổi hướng dẫn)`);
    })),
    measure('sessions', 'Số buổi hướng dẫn', '', 0, communes.map((c) => row(c, c.sessions, `${n(c.sessions)} buổi`))),
  ];
  for (const s of r.services) {
    out.push(measure(`service-${s.code}`, `Độ bao phủ ${s.name}: lượt người được hướng dẫn / số dân`, '%', 1, communes.map((c) => {
      const reached = c.services?.[s.code] ?? 0;
      const v = share(reached, c.population);
      return row(c, v, v === null ? `${n(reached)} lượt; ${noPop}` : `${vnNumber(v)}% (${n(reached)} lượt; ${n(c.population!)} dân)`);
    })));
  }
  return out;
}

/** A province's network report (its communes; or, `level` province, the nation's provinces): teams, members, village teams, members per team. */
export function networkMeasures(r: Pick<Network, 'children'>, level: 'commune' | 'province' = 'commune'): MapMeasure[] {
  const communes = r.children.filter((c) => c.level === level && c.code);
  const row = (c: Network['children'][number], value: number | null, text: string): MapRow => ({ code: c.code!, name: c.name, value, text });
  return [
    measure('teams', 'Số tổ công nghệ số cộng đồng', '', 0, communes.map((c) => row(c, c.teams.total, `${n(c.teams.total)} tổ (${n(c.teams.commune)} cấp xã, ${n(c.teams.village)} cấp thôn)`))),
    measure('members', 'Số thành viên', '', 0, communes.map((c) => row(c, c.members.total, `${n(c.members.total)} thành viên`))),
    measure('village-teams', 'Số tổ cấp thôn, bản, tổ dân phố', '', 0, communes.map((c) => row(c, c.teams.village, `${n(c.teams.village)} tổ cấp thôn`))),
    measure('members-per-team', 'Thành viên bình quân một tổ', '', 1, communes.map((c) => {
      const v = c.teams.total ? c.members.total / c.teams.total : null;
      return row(c, v, v === null ? 'chưa có tổ' : `${vnNumber(v)} thành viên / tổ (${n(c.members.total)} thành viên, ${n(c.teams.total)} tổ)`);
    })),
  ];
}

/** A province's training report (its communes): members trained, never trained, attendance. */
export function trainingMeasures(r: Training): MapMeasure[] {
  const communes = r.children.filter((c) => c.kind === 'commune');
  const row = (c: Training['children'][number], value: number | null, text: string): MapRow => ({ code: c.code, name: c.name, value, text });
  return [
    measure('trained-share', 'Tỷ lệ thành viên đã từng được tập huấn', '%', 0, communes.map((c) => {
      const v = share(c.members - c.neverTrained, c.members);
      return row(c, v, v === null ? 'chưa có thành viên' : `${vnNumber(v, 0)}% (${n(c.members - c.neverTrained)}/${n(c.members)} thành viên)`);
    })),
    measure('attended', 'Thành viên tham gia tập huấn trong kỳ', '', 0, communes.map((c) => row(c, c.attended, `${n(c.attended)} thành viên tham gia`))),
    measure('never-trained', 'Thành viên chưa từng tập huấn', '', 0, communes.map((c) => row(c, c.neverTrained, `${n(c.neverTrained)} thành viên chưa từng tập huấn`))),
    measure('attendance-rate', 'Tỷ lệ lượt mời có tham gia', '%', 0, communes.map((c) => row(c, c.attendanceRate === null ? null : c.attendanceRate * 100, c.attendanceRate === null ? 'chưa mời ai' : `${vnNumber(c.attendanceRate * 100, 0)}% (${n(c.invitationsAttended)}/${n(c.invitations)} lượt mời)`))),
  ];
}

/** A directive's board (its communes): teams done, read, residents' confirmations, households reached. */
export function directiveMeasures(b: Board): MapMeasure[] {
  const row = (c: Board['communes'][number], value: number | null, text: string): MapRow => ({ code: c.code, name: c.name, value, text });
  return [
    measure('done', 'Tỷ lệ tổ đã hoàn thành', '%', 0, b.communes.map((c) => {
      const v = share(c.done, c.teams);
      return row(c, v, v === null ? 'chưa có tổ nhận' : `${vnNumber(v, 0)}% (${n(c.done)}/${n(c.teams)} tổ hoàn thành)`);
    })),
    measure('read', 'Tỷ lệ tổ đã đọc', '%', 0, b.communes.map((c) => {
      const v = share(c.read, c.teams);
      return row(c, v, v === null ? 'chưa có tổ nhận' : `${vnNumber(v, 0)}% (${n(c.read)}/${n(c.teams)} tổ đã đọc)`);
    })),
    measure('confirmations', 'Người dân xác nhận đã nhận thông báo', '', 0, b.communes.map((c) => row(c, c.confirmations, `${n(c.confirmations)} người xác nhận`))),
    measure('households', 'Tỷ lệ hộ đã được thông báo', '%', 0, b.communes.map((c) => {
      const v = share(c.households, c.householdsKnown);
      return row(c, v, v === null ? `${n(c.households)} hộ; chưa có số hộ của địa bàn` : `${vnNumber(v, 0)}% (${n(c.households)}/${n(c.householdsKnown)} hộ)`);
    })),
  ];
}
