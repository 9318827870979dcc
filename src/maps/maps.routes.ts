import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { type Db, queryRows } from '../db/client.js';
import { type Compressed, compress, sendCompressed } from '../http/compressed.js';
import type { RouteModule } from '../http/types.js';
import { BOUNDARY_CREDIT, boundaryCommunes, joinBoundaries, nationTopology, provinceTopology, type CatalogueCommune } from './maps.boundaries.js';

/** What GET /api/maps/boundaries/:code answers (JSON). */
export interface BoundaryResponse {
  code: string;
  /** TopoJSON: object `communes` (a province) or `provinces` (VN); each geometry's properties {code, name} */
  topology: unknown;
  credit: string;
  /** joined by name because the boundary file's code differs from the catalogue's */
  byName: { boundaryCode: string; code: string; name: string }[];
  /** current communes of the catalogue with no boundary (the map lists them under it) */
  withoutGeometry: { code: string; name: string }[];
  /** boundaries whose commune the catalogue does not have */
  unmatched: { code: string; name: string }[];
}

/** The catalogue's current communes and provinces, and a key that changes when the catalogue does. */
async function catalogueOf(db: Db) {
  const rows = await queryRows<{ code: string; name: string; provinceCode: string; level: string }>(db, sql`
    select code, name, province_code as "provinceCode", level from admin_units where level in ('province', 'commune') and valid_to is null order by code`);
  const communes: CatalogueCommune[] = rows.filter((r) => r.level === 'commune');
  const provinces = new Map(rows.filter((r) => r.level === 'province').map((r) => [r.code, r.name]));
  return { communes, provinces, key: createHash('sha1').update(rows.map((r) => `${r.code}\t${r.name}`).join('\n')).digest('base64url') };
}

const caches = new WeakMap<Db, LRUCache<string, Compressed>>();

/** Routes of the maps module (issue 17). */
export const mapRoutes: RouteModule = (api, { database }) => {
  const { db } = database;

  /**
   * GET /api/maps/boundaries/:code (a province's 2 digits, or VN for the nation) → BoundaryResponse:
   * the boundaries joined to the catalogue (maps.boundaries.ts), gzip, ETag. Public: official
   * boundaries, like the catalogue. 404 when the province has none.
   */
  api.get(
    '/api/maps/boundaries/:code',
    { config: { access: { public: true } }, schema: { summary: 'Commune boundaries of a province, or province boundaries of the nation (TopoJSON)', params: z.object({ code: z.string().regex(/^(\d{2}|VN)$/, 'mã tỉnh 2 chữ số, hoặc VN cho cả nước') }) } },
    async (req, reply) => {
      const { code } = req.params;
      const cat = await catalogueOf(db);
      let cache = caches.get(db);
      if (!cache) caches.set(db, (cache = new LRUCache<string, Compressed>({ max: 40 })));
      const key = `${code}|${cat.key}`;
      let hit = cache.get(key);
      if (!hit) {
        const join = joinBoundaries(boundaryCommunes(code === 'VN' ? undefined : code), code === 'VN' ? cat.communes : cat.communes.filter((c) => c.provinceCode === code));
        const topology = code === 'VN' ? nationTopology(cat.provinces) : provinceTopology(code, join);
        if (!topology) return reply.code(404).send({ error: { code: 'NOT_FOUND', message: `Chưa có ranh giới của tỉnh mã ${code}.` } });
        const body: BoundaryResponse = {
          code,
          topology,
          credit: BOUNDARY_CREDIT,
          byName: join.byName,
          withoutGeometry: join.withoutGeometry.map((c) => ({ code: c.code, name: c.name })),
          unmatched: join.unmatched.map((b) => ({ code: b.code, name: b.name })),
        };
        hit = await compress(JSON.stringify(body));
        cache.set(key, hit);
      }
      return sendCompressed(req, reply, hit, 'application/json; charset=utf-8', 200, 'private, max-age=3600');
    },
  );
};
