/**
 * Parts of the network report page: the breakdown bars and the table of child units.
 */
import { useState } from 'preact/hooks';
import type { Endpoints } from '../shared/endpoints.js';
import { num, pct } from '../shared/format.js';
import { NumberTableHead } from './ui.js';

type NetworkReport = Endpoints['GET /api/reports/network']['response'];
type Row = NetworkReport['children'][number];

const CHILDREN_TITLE: Partial<Record<NetworkReport['unit']['level'], string>> = { province: 'Theo xã, phường, đặc khu', commune: 'Tổ cấp xã và theo thôn, bản' };

/**
 * Horizontal bars, one per label (in the labels' order), each as a share of `total`. The bar is an
 * SVG rectangle whose width is an attribute: the strict CSP refuses inline styles.
 */
export function Bars({ title, labels, counts, total, note }: { title: string; labels: Record<string, string>; counts: Record<string, number>; total: number; note?: string }) {
  return (
    <section class="card bars">
      <h3>{title}</h3>
      <ul>
        {Object.entries(labels).map(([k, label]) => {
          const n = counts[k] ?? 0;
          const share = total ? Math.min(100, (100 * n) / total) : 0;
          return (
            <li key={k} class={n ? undefined : 'zero'}>
              <span class="bar-label">{label}</span>
              <svg class="bar-track" aria-hidden="true" focusable="false" preserveAspectRatio="none">
                <rect class="bar-fill" x="0" y="0" height="100%" width={`${share.toFixed(1)}%`} rx="5" />
              </svg>
              <span class="bar-value">
                {num(n)}
                {n ? <span class="muted">{` · ${pct(n, total)}`}</span> : null}
              </span>
            </li>
          );
        })}
      </ul>
      {note ? <p class="hint">{note}</p> : null}
    </section>
  );
}

const COLUMNS = ['Đơn vị', 'Số tổ', 'Tổ cấp xã', 'Tổ cấp thôn', 'Thành viên', 'Số người', 'Nam', 'Nữ'];
const figures = (c: Row | NetworkReport) => [c.teams.total, c.teams.commune, c.teams.village, c.members.total, c.people, c.byGender.male, c.byGender.female];

/**
 * The child units with their counts and the total; a child's name opens its report. Over 20
 * rows, units without teams are hidden at first (a check box shows them).
 */
export function ChildrenTable({ report: r }: { report: NetworkReport }) {
  const [onlyActive, setOnlyActive] = useState(r.children.length > 20);
  const withTeams = r.children.filter((c) => c.teams.total).length;
  return (
    <section class="children-section" aria-labelledby="children-h">
      <div class="section-head">
        <h3 id="children-h">{CHILDREN_TITLE[r.unit.level] ?? 'Đơn vị trực thuộc'}</h3>
        <label class="check">
          <input type="checkbox" id="only-active" checked={onlyActive} onChange={(e) => setOnlyActive(e.currentTarget.checked)} />
          {` Chỉ hiện đơn vị đã có tổ (${num(withTeams)}/${num(r.children.length)})`}
        </label>
      </div>
      <div class="table-wrap">
        <table class="children">
          <NumberTableHead columns={COLUMNS} />
          <tbody>
            {r.children.map((c) => (
              <tr key={`${c.code}|${c.name}`} class={c.teams.total ? undefined : 'zero'} data-code={c.code ?? undefined} hidden={onlyActive && !c.teams.total}>
                <td class="name" data-label={COLUMNS[0]}>
                  {c.code && c.code !== r.unit.code ? <a href={`#/bao-cao/${c.code}`}>{c.name}</a> : c.name}
                </td>
                {figures(c).map((n, i) => (
                  <td key={i} class="num" data-label={COLUMNS[i + 1]}>
                    {num(n)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr class="total-row">
              <th scope="row" class="name">
                Tổng cộng
              </th>
              {figures(r).map((n, i) => (
                <td key={i} class="num">
                  {num(n)}
                </td>
              ))}
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}
