/**
 * The dashboards' trend: a Chart.js chart (bars: people, line: sessions) with its table under
 * "Xem bảng số liệu". Chart.js is loaded on first use from /vendor/chart.umd.min.js (same origin,
 * so the strict CSP allows it; served by src/http/vendor.ts, cached a day), which sets
 * `globalThis.Chart`. It is not bundled into /app.js: only this page draws charts, and its ~71 KB
 * gzipped would otherwise be paid on every first load of the office UI (and again on every
 * change of /app.js).
 */
import type { ChartConfiguration, Chart as ChartType } from 'chart.js';
import { useEffect, useRef, useState } from 'preact/hooks';
import { trendRows, type TrendRow } from '../../sessions/sessions.trend.js';
import { num } from '../shared/format.js';
import { vnDate } from '../shared/time.js';
import type { SupportReport } from './dashboard.period.js';
import { DownloadLink } from './download.js';
import { Notice } from './ui.js';

export const BUCKET = { day: 'theo ngày', week: 'theo tuần', month: 'theo tháng' } as const;
const CHART_SCRIPT = '/vendor/chart.umd.min.js';

type ChartClass = typeof ChartType;
let chartLib: Promise<ChartClass> | undefined;

/** Loads Chart.js once (a same-origin UMD file that sets globalThis.Chart); a failed load is tried again next time. */
function loadChart(): Promise<ChartClass> {
  chartLib ??= import(/* a URL of the server, not a module of the bundle */ CHART_SCRIPT).then(
    () => (globalThis as unknown as { Chart: ChartClass }).Chart,
    (e: unknown) => {
      chartLib = undefined;
      throw e;
    },
  );
  return chartLib;
}

/** Draws `rows` on `canvas`; returns the chart (to destroy when the page goes). */
function draw(Chart: ChartClass, canvas: HTMLCanvasElement, labels: string[], rows: TrendRow[]): ChartType<'bar' | 'line', number[], string> {
  const font = { family: getComputedStyle(document.body).fontFamily, size: 14 };
  const config: ChartConfiguration<'bar' | 'line', number[], string> = {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { type: 'bar', label: 'Lượt người dân', data: rows.map((r) => r.residents), backgroundColor: 'rgba(11, 92, 138, 0.75)', borderRadius: 3, yAxisID: 'y', order: 2 },
        { type: 'line', label: 'Số buổi', data: rows.map((r) => r.sessions), borderColor: '#c8102e', backgroundColor: '#c8102e', pointRadius: rows.length > 40 ? 0 : 3, tension: 0.2, yAxisID: 'y', order: 1 },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      locale: 'vi-VN',
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: { position: 'bottom', labels: { font } }, tooltip: { titleFont: font, bodyFont: font } },
      scales: {
        x: { ticks: { font, autoSkip: true, maxRotation: 0 }, grid: { display: false } },
        y: { beginAtZero: true, ticks: { font, precision: 0 } },
      },
    },
  };
  return new Chart(canvas, config);
}

/**
 * The trend section of a report: the chart (its canvas carries `data-drawn` = the number of
 * buckets once drawn; if Chart.js cannot load, a note says the figures are in the table), the
 * table of every bucket, and the CSV download (`csvHref`).
 */
export function TrendSection({ report: r, csvHref }: { report: SupportReport; csvHref: string }) {
  const rows = trendRows(r);
  const bucket = r.period.bucket;
  const label = (row: TrendRow) => (bucket === 'month' ? `${row.from.slice(5, 7)}/${row.from.slice(0, 4)}` : vnDate(row.from).slice(0, 5));
  const canvas = useRef<HTMLCanvasElement>(null);
  const [drawn, setDrawn] = useState<number | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let chart: ChartType<'bar' | 'line', number[], string> | undefined;
    let gone = false;
    loadChart().then(
      (Chart) => {
        if (gone || !canvas.current) return; // the page changed meanwhile
        chart = draw(Chart, canvas.current, rows.map(label), rows);
        setDrawn(chart.data.labels?.length ?? 0);
      },
      () => !gone && setFailed(true),
    );
    return () => {
      gone = true;
      chart?.destroy();
    };
  }, [r]);

  const columns = [bucket === 'day' ? 'Ngày' : 'Từ ngày', ...(bucket === 'day' ? [] : ['Đến ngày']), 'Số buổi', 'Lượt người dân'];
  return (
    <section class="card chart-card" aria-labelledby="trend-h">
      <div class="section-head">
        <h3 id="trend-h">{`Diễn biến ${BUCKET[bucket]}`}</h3>
        <DownloadLink href={csvHref} small>
          Tải CSV
        </DownloadLink>
      </div>
      {failed ? (
        <Notice kind="info">Không tải được thư viện biểu đồ; số liệu có trong bảng bên dưới.</Notice>
      ) : (
        <div class="chart-box">
          <canvas id="trend-chart" ref={canvas} role="img" aria-label={`Biểu đồ số buổi và lượt người dân ${BUCKET[bucket]}`} data-drawn={drawn === null ? undefined : String(drawn)} />
        </div>
      )}
      <details class="rows">
        <summary>Xem bảng số liệu</summary>
        <div class="table-wrap">
          <table class="trend">
            <thead>
              <tr>
                {columns.map((c, i) => (
                  <th key={c} scope="col" class={i >= columns.length - 2 ? 'num' : undefined}>
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.from}>
                  <td data-label={columns[0]}>{vnDate(row.from)}</td>
                  {bucket === 'day' ? null : <td data-label="Đến ngày">{vnDate(row.to)}</td>}
                  <td class="num" data-label="Số buổi">
                    {num(row.sessions)}
                  </td>
                  <td class="num" data-label="Lượt người dân">
                    {num(row.residents)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}
