// #/toan-quoc — the operator's replication page (issue 18): what this server is in the national
// replication and, on the national server, each province's subscription (state, tables copied,
// seconds since the province's last message, errors), from GET /api/national/replication, which
// reads PostgreSQL's own statistics (national/national.subscription.ts). Administrators only.
// Refreshes every 5 s while open.
import { useEffect, useState } from 'preact/hooks';
import type { SubscriptionStatus } from '../../national/national.subscription.js';
import { num } from '../shared/format.js';
import { vnDateTimeLabel } from '../shared/time.js';
import { api } from './client.js';
import { page } from './mount.js';
import { LoadError, Loading, Notice, PageTitle, Table, useLoad } from './ui.js';

const STATE: Record<SubscriptionStatus['state'], string> = {
  streaming: 'Đang nhận',
  copying: 'Đang chép lần đầu',
  stalled: 'Không có tin quá 90 giây',
  stopped: 'Dừng',
};

function NationalPage() {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    document.title = 'Ngõ Số — Sao chép toàn quốc';
    const t = setInterval(() => setTick((n) => n + 1), 5000);
    return () => clearInterval(t);
  }, []);
  const loaded = useLoad(() => api.call('GET /api/national/replication', {}), [tick]);
  if (loaded.error) return <LoadError error={loaded.error} />;
  if (!loaded.data) return <Loading />;
  const d = loaded.data;
  return (
    <>
      <PageTitle>Sao chép dữ liệu toàn quốc</PageTitle>
      {d.server === 'embedded' && <Notice kind="info">Máy chủ này dùng cơ sở dữ liệu nhúng: không phát dữ liệu về toàn quốc được. Hãy chuyển lên PostgreSQL ("ngoso migrate-to-postgres") rồi đặt NGOSO_PROVINCE.</Notice>}
      {d.server === 'standalone' && <Notice kind="info">Máy chủ này chưa là máy chủ tỉnh (NGOSO_PROVINCE) hay máy chủ toàn quốc (NGOSO_NATIONAL=1). Xem mục "Toàn quốc" trong README.</Notice>}
      {d.server === 'province' && (
        <>
          <p class="lead">Máy chủ của tỉnh {d.province ?? '—'}; bản phát: {d.publication ?? 'chưa có (chạy "ngoso national publish")'}.</p>
          <Table
            caption="Các máy nhận dữ liệu (replication slot)"
            columns={['Slot', 'Đang kết nối', { text: 'WAL chưa xác nhận', class: 'num' }]}
            rows={d.slots.map((s) => [s.slot, s.active ? 'có' : 'không', s.pendingBytes === null ? '—' : `${num(Math.round(s.pendingBytes / 1024))} KB`])}
          />
        </>
      )}
      {d.server === 'national' &&
        (d.subscriptions.length === 0 ? (
          <Notice kind="info">Chưa nhận dữ liệu của tỉnh nào: chạy "ngoso national subscribe --province MÃ --url …" trên máy chủ này.</Notice>
        ) : (
          <Table
            caption="Dữ liệu nhận từ các tỉnh"
            columns={['Tỉnh', 'Trạng thái', { text: 'Bảng đã chép', class: 'num' }, 'Tin cuối của tỉnh', { text: 'Cách đây', class: 'num' }, { text: 'Lỗi', class: 'num' }]}
            rows={d.subscriptions.map((s) => ({
              key: s.subscription,
              class: s.state === 'streaming' ? undefined : 'warn',
              cells: [
                s.province,
                STATE[s.state],
                `${s.tables.ready}/${s.tables.ready + s.tables.copying}`,
                s.lastSentAt ? vnDateTimeLabel(s.lastSentAt, true) : '—',
                s.lagSeconds === null ? '—' : `${num(s.lagSeconds)} giây`,
                num(s.applyErrors + s.copyErrors),
              ],
            }))}
          />
        ))}
    </>
  );
}

export const nationalPage = page(NationalPage);
