/**
 * The dashboards' figures: the headline cards, the table by service and outcome, and the table of
 * children (communes, teams or members) with drill-down links. Outcome and session-kind labels are
 * the server's (sessions.vocabulary.ts); numbers the Vietnamese way (shared/format.ts).
 */
import { useState } from 'preact/hooks';
import { sessionBreakdown } from '../../sessions/sessions.breakdown.js';
import { OUTCOME_CODES, OUTCOMES, SESSION_KIND_COUNTED, type SessionKind } from '../../sessions/sessions.vocabulary.js';
import { num, pct } from '../shared/format.js';
import { ServiceIcon } from '../shared/icons.js';
import type { SupportReport } from './dashboard.period.js';
import { DownloadLink } from './download.js';
import { NumberTableHead } from './ui.js';

const CHILDREN_TITLE = { province: 'Theo tỉnh, thành phố', commune: 'Theo xã, phường', team: 'Theo tổ', member: 'Theo thành viên' } as const;
const CHILD_HEAD = { province: 'Tỉnh, thành phố', commune: 'Xã, phường', team: 'Tổ', member: 'Thành viên' } as const;
const ratioFormat = new Intl.NumberFormat('vi-VN', { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** One headline figure: `data-stat` names it for the tests and the styles. */
export function StatCard({ stat, label, value, note }: { stat: string; label: string; value: string; note: string }) {
  return (
    <div class="card stat-card" data-stat={stat}>
      <span class="stat-label">{label}</span>
      <span class="stat-value">{value}</span>
      <span class="stat-note">{note}</span>
    </div>
  );
}

/** The headline cards of a support report: sessions by kind, heads, people, coverage when the population is known. */
export function SupportCards({ report: r }: { report: SupportReport }) {
  const kinds = (Object.keys(SESSION_KIND_COUNTED) as SessionKind[]).map((k) => `${num(r.byKind[k])} ${SESSION_KIND_COUNTED[k]}`).join(' · ');
  const c = r.coverage;
  return (
    <div class="cards dash-cards">
      <StatCard stat="sessions" label="Buổi hướng dẫn" value={num(r.sessions)} note={kinds} />
      <StatCard stat="headcount" label="Lượt người dân" value={num(r.headcount)} note="Cộng số người của từng buổi (buổi nhóm tính theo số người dự)" />
      <StatCard
        stat="residents"
        label="Người dân được hướng dẫn"
        value={num(r.residents)}
        note={r.recognised ? `Người nhận diện được qua SĐT/CCCD chỉ tính một lần (${num(r.recognised)} người)` : 'Mỗi lượt tính là một người khi không nhận diện được'}
      />
      {c ? (
        <StatCard
          stat="coverage"
          label="Bao phủ dân số"
          value={ratioFormat.format(c.ratio)}
          note={`${num(r.residents)} / ${num(c.population)} người (dân số năm ${c.year}${c.communes > 1 ? `; ${num(c.communesWithFigures)}/${num(c.communes)} xã có số liệu` : ''})`}
        />
      ) : null}
    </div>
  );
}

/**
 * The sessions by kind and, apart, by place (sessions.breakdown.ts): two tables side by side, each
 * with its own total equal to the sessions held, never one sum of kinds and places.
 */
export function BreakdownSection({ report: r }: { report: SupportReport }) {
  const b = sessionBreakdown(r);
  const table = (id: string, head: string, rows: { code: string; label: string; sessions: number }[]) => (
    <div class="table-wrap">
      <table class={`breakdown ${id}`} data-breakdown={id}>
        <NumberTableHead columns={[head, 'Số buổi', 'Tỷ trọng']} />
        <tbody>
          {rows.map((row) => (
            <tr key={row.code} data-row={row.code}>
              <td class="name" data-label={head}>
                {row.label}
              </td>
              <td class="num" data-label="Số buổi">
                {num(row.sessions)}
              </td>
              <td class="num" data-label="Tỷ trọng">
                {pct(row.sessions, b.total)}
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" class="name">
              Tổng số buổi
            </th>
            <td class="num">{num(rows.reduce((n, row) => n + row.sessions, 0))}</td>
            <td class="num">{pct(b.total, b.total)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
  return (
    <section class="dash-section" aria-labelledby="breakdown-h">
      <div class="section-head">
        <h3 id="breakdown-h">Theo hình thức và nơi hướng dẫn</h3>
      </div>
      <p class="hint">Hai cách chia cùng các buổi: mỗi buổi có một hình thức và một nơi, nên mỗi bảng cộng lại đúng bằng số buổi.</p>
      <div class="breakdowns">
        {table('kinds', 'Hình thức', b.kinds)}
        {table('places', 'Nơi hướng dẫn', b.places)}
      </div>
    </section>
  );
}

/** The table by service: sessions, heads, and people by the furthest outcome reached; its CSV (`csvHref`). */
export function ServicesSection({ report: r, csvHref }: { report: SupportReport; csvHref: string }) {
  const columns = ['Dịch vụ', 'Số buổi', 'Lượt người dân', ...OUTCOME_CODES.map((o) => OUTCOMES[o])];
  return (
    <section class="dash-section" aria-labelledby="services-h">
      <div class="section-head">
        <h3 id="services-h">Theo dịch vụ và kết quả</h3>
        <DownloadLink href={csvHref} small>
          Tải CSV
        </DownloadLink>
      </div>
      <p class="hint">Số người dân theo kết quả xa nhất đạt được ở mỗi dịch vụ.</p>
      {r.services.length ? (
        <div class="table-wrap">
          <table class="services stack">
            <NumberTableHead columns={columns} />
            <tbody>
              {r.services.map((s) => (
                <tr key={s.code} data-service={s.code}>
                  <td class="name" data-label={columns[0]}>
                    <ServiceIcon code={s.code} class="icon" />
                    {s.name}
                  </td>
                  <td class="num" data-label={columns[1]}>
                    {num(s.sessions)}
                  </td>
                  <td class="num" data-label={columns[2]}>
                    {num(s.headcount)}
                  </td>
                  {OUTCOME_CODES.map((o, i) => (
                    <td key={o} class={s.outcomes[o] ? 'num' : 'num zero-cell'} data-label={columns[3 + i]}>
                      {num(s.outcomes[o])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="muted">Chưa có buổi hướng dẫn nào trong thời gian này.</p>
      )}
    </section>
  );
}

/**
 * The children of the target (a province's communes, a commune's or village's teams, a team's
 * members), each linking to its own dashboard (`link`), with the total; over 20 rows, those
 * without activity can be hidden (hidden at first). Its CSV (`csvHref`).
 */
export function ChildrenSection({ report: r, link, csvHref }: { report: SupportReport; link: (c: SupportReport['children'][number]) => string; csvHref: string }) {
  const kind = r.children[0]?.kind ?? (r.target.kind === 'province' ? 'commune' : r.target.kind === 'team' ? 'member' : 'team');
  const many = r.children.length > 20;
  const [onlyActive, setOnlyActive] = useState(many);
  const active = r.children.filter((c) => c.sessions).length;
  const columns = [CHILD_HEAD[kind], 'Số buổi', 'Lượt người dân', 'Tỷ trọng'];
  return (
    <section class="children-section dash-section" aria-labelledby="children-h">
      <div class="section-head">
        <h3 id="children-h">{CHILDREN_TITLE[kind]}</h3>
        <div class="actions">
          {many ? (
            <label class="check">
              <input type="checkbox" id="only-active" checked={onlyActive} onChange={(e) => setOnlyActive(e.currentTarget.checked)} />
              {` Chỉ hiện nơi có hoạt động (${num(active)}/${num(r.children.length)})`}
            </label>
          ) : null}
          <DownloadLink href={csvHref} small>
            Tải CSV
          </DownloadLink>
        </div>
      </div>
      {kind === 'member' ? <p class="hint">Một buổi do nhiều thành viên cùng hướng dẫn được tính cho từng người, nên cộng theo thành viên có thể lớn hơn tổng của tổ.</p> : null}
      {r.children.length ? (
        <div class="table-wrap">
          <table class="children">
            <NumberTableHead columns={columns} />
            <tbody>
              {r.children.map((c) => (
                <tr key={`${c.kind}${c.id}`} class={c.sessions ? undefined : 'zero'} data-child={c.code ?? c.id} hidden={onlyActive && !c.sessions}>
                  <td class="name" data-label={columns[0]}>
                    <a href={link(c)}>{c.name}</a>
                  </td>
                  <td class="num" data-label={columns[1]}>
                    {num(c.sessions)}
                  </td>
                  <td class="num" data-label={columns[2]}>
                    {num(c.headcount)}
                  </td>
                  <td class="num" data-label={columns[3]}>
                    {pct(c.headcount, r.headcount)}
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" class="name">
                  Tổng cộng
                </th>
                <td class="num">{num(r.sessions)}</td>
                <td class="num">{num(r.headcount)}</td>
                <td class="num">{pct(r.headcount, r.headcount)}</td>
              </tr>
            </tfoot>
          </table>
        </div>
      ) : (
        <p class="muted">Chưa có hoạt động nào trong thời gian này.</p>
      )}
    </section>
  );
}
