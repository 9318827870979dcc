import { count, eq } from 'drizzle-orm';
import { chunks } from '../db/batch.js';
import type { Db } from '../db/client.js';
import { nameKey, searchKey } from '../text/vietnamese.js';
import { adminUnits, adminUnitSuccessors, catalogueIssues, catalogueMeta } from './catalogue.schema.js';
import { type Catalogue, readCatalogue, splitUnitName } from './catalogue.source.js';

/** The day the two-tier local government took effect (Resolution 202/2025/QH15 and the commune resolutions). */
export const REFORM_DATE = '2025-07-01';

export interface LoadResult {
  loaded: boolean;
  hash: string;
  units: number;
  issues: number;
}

/**
 * Loads the administrative catalogue into the database once. Idempotent: when the same package
 * content (sha-256) is already loaded it returns at once without reading the package.
 * One transaction: a failure leaves no partial catalogue.
 */
export async function ensureCatalogue(db: Db, read: () => Catalogue = readCatalogue): Promise<LoadResult> {
  const [loaded] = await db.select().from(catalogueMeta).where(eq(catalogueMeta.key, 'hash'));
  if (loaded) {
    const [{ n }] = await db.select({ n: count() }).from(adminUnits);
    const [{ i }] = await db.select({ i: count() }).from(catalogueIssues);
    return { loaded: false, hash: loaded.value, units: n, issues: i };
  }
  const catalogue = read();
  let units = 0;
  await db.transaction(async (tx) => {
    const unit = (name: string, extra: Omit<typeof adminUnits.$inferInsert, 'name' | 'shortName' | 'nameKey' | 'searchKey'>) => {
      const shortName = splitUnitName(name).shortName;
      return { ...extra, name, shortName, nameKey: nameKey(shortName), searchKey: searchKey(shortName) };
    };
    const provinceIds = new Map<string, number>();
    const provinceRows = await tx
      .insert(adminUnits)
      .values(catalogue.provinces.map((p) => unit(p.name, { code: p.code, level: 'province', kind: p.kind, provinceCode: p.code, validFrom: REFORM_DATE, source: 'catalogue' })))
      .returning({ id: adminUnits.id, code: adminUnits.code });
    for (const r of provinceRows) provinceIds.set(r.code!, r.id);

    const communeIds = new Map<string, number>();
    for (const chunk of chunks(catalogue.communes, 1000)) {
      const rows = await tx
        .insert(adminUnits)
        .values(chunk.map((c) => unit(c.name, { code: c.code, level: 'commune', kind: c.kind, parentId: provinceIds.get(c.provinceCode), provinceCode: c.provinceCode, validFrom: REFORM_DATE, source: 'catalogue' })))
        .returning({ id: adminUnits.id, code: adminUnits.code });
      for (const r of rows) communeIds.set(r.code!, r.id);
    }

    const districtIds = new Map<string, number>();
    for (const chunk of chunks(catalogue.oldDistricts, 1000)) {
      const rows = await tx
        .insert(adminUnits)
        .values(chunk.map((d) => unit(d.name, { code: null, level: 'district', kind: d.kind, provinceCode: d.provinceCode, oldProvinceName: d.oldProvinceName, validTo: REFORM_DATE, source: 'catalogue' })))
        .returning({ id: adminUnits.id });
      rows.forEach((r, i) => districtIds.set(chunk[i].key, r.id));
    }

    const successors: { predecessorId: number; successorId: number }[] = [];
    const districtSuccessors = new Map<number, Set<number>>();
    for (const chunk of chunks(catalogue.oldCommunes, 1000)) {
      const rows = await tx
        .insert(adminUnits)
        .values(chunk.map((c) => unit(c.name, { code: c.code, level: 'commune', kind: c.kind, parentId: districtIds.get(c.districtKey), provinceCode: c.provinceCode, oldProvinceName: c.oldProvinceName, validTo: REFORM_DATE, source: 'catalogue' })))
        .returning({ id: adminUnits.id });
      rows.forEach((r, i) => {
        const districtId = districtIds.get(chunk[i].districtKey)!;
        for (const code of chunk[i].successorCodes) {
          const successorId = communeIds.get(code)!;
          successors.push({ predecessorId: r.id, successorId });
          districtSuccessors.set(districtId, (districtSuccessors.get(districtId) ?? new Set()).add(successorId));
        }
      });
    }
    // a dissolved district's successors are the new communes its communes went to
    for (const [districtId, set] of districtSuccessors) for (const successorId of set) successors.push({ predecessorId: districtId, successorId });
    for (const chunk of chunks(successors, 5000)) await tx.insert(adminUnitSuccessors).values(chunk);

    for (const chunk of chunks(catalogue.issues, 1000)) await tx.insert(catalogueIssues).values(chunk);
    await tx.insert(catalogueMeta).values([
      { key: 'hash', value: catalogue.hash },
      { key: 'version', value: catalogue.version },
    ]);
    units = catalogue.provinces.length + catalogue.communes.length + catalogue.oldDistricts.length + catalogue.oldCommunes.length;
  });
  return { loaded: true, hash: catalogue.hash, units, issues: catalogue.issues.length };
}
