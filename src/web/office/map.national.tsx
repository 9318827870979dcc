// The nation's map on #/bao-cao for the national administrator (issue 17): the 34 provinces
// coloured by their network reports (GET /api/reports/network per province, the same figures as
// each province's report), a click opening the province's report.
import { api } from './client.js';
import { ChoroplethMap, type MapMeasure } from './map.js';
import { networkMeasures } from './map.measures.js';
import { Loading, LoadError, useLoad } from './ui.js';
import { vnDateTimeLabel } from '../shared/time.js';

/** The provinces' network figures as one report's children, for networkMeasures. */
async function loadNation(provinces: { code: string | null; name: string }[]): Promise<MapMeasure[]> {
  const reports = await Promise.all(provinces.filter((p) => p.code).map((p) => api.call('GET /api/reports/network', { query: { unit: p.code! } })));
  const children = reports.map((r) => ({ ...r, code: r.unit.code, name: r.unit.name, level: r.unit.level, self: false, movement: null }));
  return networkMeasures({ children }, 'province');
}

/** The national map section. */
export function NationalMap({ provinces }: { provinces: { code: string | null; name: string }[] }) {
  const state = useLoad(() => loadNation(provinces), [provinces.length]);
  if (state.loading) return <Loading what="Đang lập bản đồ cả nước…" />;
  if (state.error) return <LoadError error={state.error} title="Không lập được bản đồ cả nước" />;
  return <ChoroplethMap boundary="VN" title="Bản đồ mạng lưới tổ công nghệ số cộng đồng cả nước" period={`số liệu lúc ${vnDateTimeLabel()}`} measures={state.data} link={(code) => `#/bao-cao/${code}`} linkText="Xem báo cáo của tỉnh, thành phố" />;
}
