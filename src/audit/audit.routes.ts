import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { READERS, requireScope, unitInScope, unitTarget } from '../access/access.policy.js';
import { currentUnit } from '../registry/registry.service.js';
import type { RouteModule } from '../http/types.js';
import { escapeCell } from '../reports/network.export.js';
import { auditEntries } from './audit.service.js';
import { presenterFor } from '../access/presenter.js';

/** Routes of the audit log: read and export only; nothing in the app edits or deletes entries. */
export const auditRoutes: RouteModule = (api, { database }) => {
  /**
   * GET /api/audit?unit=CODE[&from=ISO][&to=ISO][&limit=N][&format=json|csv] → entries of the
   * unit's subtree (a province's or a commune's), newest first. Admins may omit `unit` for all.
   */
  api.get(
    '/api/audit',
    {
      config: { access: { roles: READERS } },
      schema: {
        summary: 'Audit log of a unit',
        querystring: z.object({
          unit: z.string().min(2).max(20).optional(),
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
          limit: z.coerce.number().int().min(1).max(10000).default(500),
          format: z.enum(['json', 'csv']).default('json'),
        }),
      },
    },
    async (req, reply) => {
      const actor = req.actor!;
      const q = req.query;
      let where: { provinceCode?: string; communeId?: number; all?: boolean };
      if (!q.unit) {
        requireScope(actor.scope.kind === 'all', 'nhật ký toàn hệ thống (hãy chọn đơn vị)');
        where = { all: true };
      } else {
        const unit = await currentUnit(database.db, q.unit);
        requireScope(unitInScope(actor.scope, unit), `đơn vị "${unit.name}"`, unitTarget(unit));
        where = unit.level === 'province' ? { provinceCode: unit.code! } : { communeId: unit.level === 'commune' ? unit.id : unit.parentId! };
      }
      // a refusal's target unit is shown only to readers whose scope holds it: the requester's own
      // log must not tell where a hidden object (or another unit's phone owner) lies
      const scope = actor.scope;
      const targetVisible = (e: { targetProvinceCode: string | null; targetCommuneId: number | null }) =>
        scope.kind === 'all' || (scope.kind === 'province' ? e.targetProvinceCode === scope.provinceCode : 'communeId' in scope && e.targetCommuneId === scope.communeId);
      // phones inside before/after as the reader's role may see them (masked for read-only inspectors)
      const presenter = presenterFor(req.actor!.user.role);
      const phones = (v: unknown): unknown =>
        typeof v === 'string' ? (/^\+84\d{8,10}$/.test(v) ? presenter.memberPhone(v) : v) : Array.isArray(v) ? v.map(phones) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, phones(x)])) : v;
      const entries = (await auditEntries(database.db, where, q))
        .map((e) => ((e.targetProvinceCode === null && e.targetCommuneId === null) || targetVisible(e) ? e : { ...e, targetProvinceCode: null, targetCommuneId: null }))
        .map((e) => ({ ...e, before: phones(e.before), after: phones(e.after) }));
      if (q.format === 'json') return { entries };
      const rows = entries.map((e) => [e.id, e.at.toISOString(), e.userId ?? '', e.ip ?? '', e.action, e.entity, e.entityId ?? '', JSON.stringify(e.before ?? null), JSON.stringify(e.after ?? null)].map((c) => (typeof c === 'string' ? escapeCell(c) : c)));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="nhat-ky-${q.unit ?? 'toan-he-thong'}.csv"`)
        .send('\ufeff' + stringify([['Mã', 'Thời điểm (UTC)', 'Người dùng', 'Địa chỉ IP', 'Hành động', 'Đối tượng', 'Mã đối tượng', 'Trước', 'Sau'], ...rows]));
    },
  );
};
