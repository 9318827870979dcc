import { sql } from 'drizzle-orm';
import { ALL } from '../access/access.policy.js';
import { type Db, queryRows } from '../db/client.js';
import { chunks } from '../db/batch.js';
import { now as clockNow } from '../text/clock.js';
import { todayInVietnam } from '../text/dates.js';
import { syncAttendance } from '../trainings/trainings.attendance.js';
import { trainingBody } from '../trainings/trainings.contract.js';
import { closeTraining, createBridgePoint, createTraining, type TrainingActor } from '../trainings/trainings.service.js';
import { prng } from './demo.service.js';

/**
 * The demo's trainings (issue 14), through the same services as the office and the phones: 203
 * bridge points (each commune's hall and cultural houses of villages), province sessions at the
 * points of a few communes and commune sessions at their own hall over the last four months, about
 * seven in ten of the invited checked in by the point's host (some late), a few walk-ins, the past
 * sessions closed; two sessions planned for the coming week. Deterministic for a seed.
 */
const TOPICS = [
  ['vneid_level2', 'Hướng dẫn kích hoạt định danh điện tử mức 2'],
  ['public_services', 'Hướng dẫn nộp hồ sơ dịch vụ công trực tuyến'],
  ['cashless', 'Thanh toán không dùng tiền mặt cho người dân'],
  ['digital_safety', 'Nhận diện lừa đảo trên không gian mạng'],
  ['skills_course', 'Khóa học Kỹ năng số cộng đồng'],
  ['provincial_app', 'Sử dụng ứng dụng Sơn La Smart'],
] as const;
const WALK_INS = ['Lò Thị Xuân', 'Quàng Văn Nọi', 'Cầm Thị Ơn', 'Tòng Văn Hặc', 'Vì Thị Lả', 'Lường Văn Pánh'];
const actor: TrainingActor = { userId: null, ip: 'demo', scope: ALL, memberId: null };

export interface DemoTrainingsResult { points: number; sessions: number; checkIns: number }

/** Seeds the trainings of the demo province (Sơn La, 14) into a database that has its registry. */
export async function seedDemoTrainings(db: Db, opts: { seed?: number; now?: Date } = {}): Promise<DemoTrainingsResult> {
  const rnd = prng(opts.seed ?? 2026);
  const now = opts.now ?? clockNow();
  const communes = await queryRows<{ id: number; code: string; name: string }>(db, sql`select distinct c.id, c.code, c.name from teams t join admin_units c on c.id = t.commune_id where t.province_code = '14' order by c.code`);
  const villages = await queryRows<{ communeCode: string; code: string; name: string }>(db, sql`select c.code as "communeCode", v.code, v.name from teams t join admin_units v on v.id = t.unit_id join admin_units c on c.id = t.commune_id where t.province_code = '14' and t.level = 'village' order by v.id`);
  const hostOf = async (communeId: number) => (await queryRows<{ id: number }>(db, sql`select tm.member_id as id from team_members tm join teams t on t.id = tm.team_id where t.commune_id = ${communeId} and t.level = 'commune' and tm.left_on is null order by (tm.role = 'leader') desc, tm.member_id limit 1`))[0]?.id;

  const hall = new Map<string, number>();
  let points = 0;
  for (const c of communes) {
    hall.set(c.code, (await createBridgePoint(db, { commune: c.code, name: `Hội trường UBND ${c.name.replace(/^(Xã|Phường|Đặc khu)/, (w) => w.toLocaleLowerCase('vi'))}`, placeKind: 'commune_hall', capacity: 80 }, actor)).id);
    points++;
  }
  for (let i = 0; points < 203 && i < villages.length; i += Math.max(1, Math.floor(villages.length / 128))) {
    const v = villages[i];
    await createBridgePoint(db, { commune: v.communeCode, village: v.code, name: `Nhà văn hóa ${v.name}`, placeKind: 'cultural_house', capacity: 40 }, actor);
    points++;
  }

  const day = (back: number) => todayInVietnam(new Date(now.getTime() - back * 86_400_000));
  const plans: { unit: string; communes: typeof communes; back: number; topic: number }[] = [];
  for (let s = 0; s < 6; s++) plans.push({ unit: '14', communes: Array.from({ length: 3 + Math.floor(rnd() * 3) }, () => communes[Math.floor(rnd() * communes.length)]), back: 10 + s * 18, topic: s % TOPICS.length });
  for (let s = 0; s < 24; s++) {
    const c = communes[Math.floor(rnd() * communes.length)];
    plans.push({ unit: c.code, communes: [c], back: 3 + Math.floor(rnd() * 115), topic: Math.floor(rnd() * TOPICS.length) });
  }
  plans.push({ unit: '14', communes: communes.slice(0, 4), back: -5, topic: 0 }, { unit: communes[0].code, communes: [communes[0]], back: -3, topic: 3 });

  let sessions = 0;
  let checkIns = 0;
  for (const p of plans) {
    const unique = [...new Map(p.communes.map((c) => [c.code, c])).values()];
    const points = [];
    for (const c of unique) points.push({ pointId: hall.get(c.code)!, ...(await hostOf(c.id).then((id) => (id ? { hostMemberId: id } : {}))) });
    const date = day(p.back);
    const [title, topic] = [TOPICS[p.topic][1], TOPICS[p.topic][0]];
    const body = trainingBody.parse({
      unit: p.unit, title: p.unit === '14' ? `${title} (toàn tỉnh)` : title, topic, kind: p.unit === '14' ? 'hybrid' : 'in_person',
      startsAt: `${date}T08:00:00+07:00`, endsAt: `${date}T11:00:00+07:00`, audience: { units: unique.map((c) => c.code) }, points,
    });
    const { id } = await createTraining(db, body, actor);
    sessions++;
    if (p.back <= 0) continue;
    const invited = await queryRows<{ memberId: number; communeCode: string }>(db, sql`select i.member_id as "memberId", c.code as "communeCode" from training_invitations i join admin_units c on c.id = i.commune_id where i.training_id = ${id} order by i.member_id`);
    const records = invited
      .filter(() => rnd() < 0.7)
      .map((m) => ({ id: crypto.randomUUID(), trainingId: id, pointId: hall.get(m.communeCode)!, method: 'host', memberId: m.memberId, checkedInAt: `${date}T08:${String(Math.floor(rnd() * 30)).padStart(2, '0')}:00+07:00` }));
    const walkIns = Math.floor(rnd() * 3);
    for (let w = 0; w < walkIns; w++) records.push({ id: crypto.randomUUID(), trainingId: id, pointId: points[0].pointId, method: 'host', walkIn: { fullName: WALK_INS[Math.floor(rnd() * WALK_INS.length)] }, checkedInAt: `${date}T08:05:00+07:00` } as never);
    for (const batch of chunks(records, 500)) checkIns += (await syncAttendance(db, batch, actor, now)).filter((r) => r.status === 'accepted').length;
    await closeTraining(db, id, actor, new Date(`${date}T11:30:00+07:00`));
  }
  return { points, sessions, checkIns };
}
