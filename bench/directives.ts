/**
 * Directives at a province's size (issue 15, "Performance"): on the generated Sơn La network
 * (src/demo: 1,459 teams), with 400 households recorded for every team's village or commune:
 * - fan-out: a province directive to every commune at once, reaching all 1,459 teams (≤ 2 s);
 * - the board of it for the province (≤ 100 ms, p95 of 30 after 5 warm-ups), and for one commune;
 * - acknowledgements: 10,000 records sent one per request as phones do (read, will do, done with
 *   households and channels, and resends), each timed (p95 ≤ 200 ms), at the pace of "10,000 in a
 *   minute" or faster; then the board's totals are checked against plain counts.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { ALL } from '../src/access/access.policy.js';
import { type Db, queryRows } from '../src/db/client.js';
import { generateDemo } from '../src/demo/demo.service.js';
import { syncAcks } from '../src/directives/directives.acks.js';
import { directiveBoard } from '../src/directives/directives.board.js';
import { directiveBody } from '../src/directives/directives.contract.js';
import { issueDirective } from '../src/directives/directives.service.js';
import type { DatabaseFactory } from './databases.js';
import { percentile } from './network.js';
import { time } from './trainings.js';

export const FANOUT_TARGET_MS = 2000;
export const BOARD_TARGET_MS = 100;
export const ACK_TARGET_MS = 200;
const ACKS = 10_000;

/** Runs the benchmark on each database; returns whether every target was met. */
export async function benchDirectives(factories: DatabaseFactory[], log: (s?: string) => void): Promise<boolean> {
  let ok = true;
  const f1 = (ms: number) => `${ms.toFixed(1)} ms`;
  const verdict = (hit: boolean, target: number) => `${hit ? 'ĐẠT' : 'CHƯA ĐẠT'} (mục tiêu ≤ ${target} ms)`;
  for (const f of factories) {
    const database = await f.fresh('directives');
    const db: Db = database.db;
    try {
      const demo = await generateDemo(db);
      await db.execute(sql`insert into unit_population (unit_id, year, population, households) select distinct unit_id, 2026, 1600, 400 from teams where province_code = '14' on conflict do nothing`);
      const communes = await queryRows<{ code: string }>(db, sql`select distinct u.code from teams t join admin_units u on u.id = t.commune_id where t.province_code = '14' and t.status = 'active' order by 1`);
      await db.execute(sql`analyze`);
      log(`  ${f.label}: ${demo.teams} tổ, ${demo.members} thành viên, ${communes.length} xã có tổ`);
      const body = directiveBody.parse({
        unit: '14', number: '125/UBND-VP', issuedOn: '2026-12-01', title: 'Tuyên truyền kích hoạt định danh điện tử mức 2 tới từng hộ', body: 'Đề nghị các tổ thông báo tới từng hộ gia đình.', deadline: '2026-12-15',
        asks: { passOn: true, figure: { name: 'Số người được hướng dẫn', unit: 'người' } }, target: { units: communes.map((c) => c.code) },
      });
      const t0 = performance.now();
      const issued = await issueDirective(db, body, { userId: null, ip: null, scope: ALL });
      const fanout = performance.now() - t0;
      ok &&= fanout <= FANOUT_TARGET_MS && issued.teams === demo.teams;
      log(`    gửi tới mọi tổ: ${issued.teams} tổ trong ${f1(fanout)}  ${verdict(fanout <= FANOUT_TARGET_MS, FANOUT_TARGET_MS)}`);

      const teams = await queryRows<{ teamId: number; communeCode: string }>(db, sql`select dt.team_id as "teamId", u.code as "communeCode" from directive_teams dt join admin_units u on u.id = dt.commune_id where dt.directive_id = ${issued.id} order by dt.team_id`);
      const empty = await time(() => directiveBoard(db, issued.id, { kind: 'province', provinceCode: '14' }));
      log(`    bảng theo dõi của tỉnh (chưa ai báo cáo)   p50 ${f1(empty.p50).padStart(9)}  p95 ${f1(empty.p95).padStart(9)}  ${verdict(empty.p95 <= BOARD_TARGET_MS, BOARD_TARGET_MS)}`);

      // 10,000 acknowledgements, one per request: each team read, will do, done (400 households), and resends of some
      const records: Record<string, unknown>[] = [];
      const statuses = ['read', 'will_do', 'done'] as const;
      for (let i = 0; records.length < ACKS; i++) {
        const t = teams[i % teams.length];
        const status = statuses[Math.floor(i / teams.length) % 3];
        const rec = { id: randomUUID(), directiveId: issued.id, teamId: t.teamId, status, at: `2026-12-0${2 + Math.floor(i / teams.length) % 3}T08:00:00+07:00`, ...(status === 'done' ? { households: 400, channels: ['zalo_group'], figure: 25 } : {}) };
        records.push(rec);
        if (i >= 3 * teams.length) records.push({ ...records[i % records.length] }); // a resend
      }
      records.length = ACKS;
      const ms: number[] = [];
      const started = performance.now();
      const answers = { accepted: 0, duplicate: 0, rejected: 0 };
      for (const r of records) {
        const t = performance.now();
        const [a] = await syncAcks(db, [r], { userId: null as unknown as number, scope: ALL });
        ms.push(performance.now() - t);
        answers[a.status]++;
      }
      const wall = performance.now() - started;
      ms.sort((a, b) => a - b);
      const p95 = percentile(ms, 95);
      ok &&= p95 <= ACK_TARGET_MS && wall <= 60_000;
      log(`    ${ACKS.toLocaleString('vi-VN')} báo cáo (mỗi yêu cầu một bản ghi) trong ${(wall / 1000).toFixed(1)} s (${Math.round(ACKS / (wall / 1000))}/s): p50 ${f1(percentile(ms, 50))}  p95 ${f1(p95)}  ${verdict(p95 <= ACK_TARGET_MS, ACK_TARGET_MS)}; nhận ${answers.accepted}, trùng ${answers.duplicate}, từ chối ${answers.rejected}`);

      const full = await time(() => directiveBoard(db, issued.id, { kind: 'province', provinceCode: '14' }));
      ok &&= full.p95 <= BOARD_TARGET_MS && empty.p95 <= BOARD_TARGET_MS;
      log(`    bảng theo dõi của tỉnh (sau các báo cáo)   p50 ${f1(full.p50).padStart(9)}  p95 ${f1(full.p95).padStart(9)}  ${verdict(full.p95 <= BOARD_TARGET_MS, BOARD_TARGET_MS)}`);
      const busiest = teams[0].communeCode;
      const commune = await time(() => directiveBoard(db, issued.id, { kind: 'province', provinceCode: '14' }, busiest));
      log(`    bảng theo dõi, danh sách tổ của xã ${busiest}    p50 ${f1(commune.p50).padStart(9)}  p95 ${f1(commune.p95).padStart(9)}`);
      const board = await directiveBoard(db, issued.id, ALL);
      const [plain] = await queryRows<{ done: number; households: number }>(db, sql`select count(done_at)::int as done, coalesce(sum(households), 0)::int as households from directive_teams where directive_id = ${issued.id}`);
      const exact = board.totals.done === plain.done && board.totals.households === plain.households;
      ok &&= exact;
      log(`    kiểm tra: bảng ghi ${board.totals.done} tổ hoàn thành, ${board.totals.households.toLocaleString('vi-VN')} hộ; đếm trực tiếp ${plain.done} tổ, ${plain.households.toLocaleString('vi-VN')} hộ: ${exact ? 'khớp' : 'KHÔNG KHỚP'}`);
    } finally {
      await database.close();
    }
  }
  return ok;
}
