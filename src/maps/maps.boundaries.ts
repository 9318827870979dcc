import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GeometryCollection, GeometryObject, MultiPolygon, Polygon, Topology } from 'topojson-specification';
import { mergeArcs } from 'topojson-client';
import { nameKey } from '../text/vietnamese.js';

/**
 * The official boundaries (issue 17): the 3,321 communes, wards and special zones since 1 July
 * 2025, as TopoJSON (src/maps/data/communes-2025.topojson, copied from the shared data with its
 * README: source thanglequoc/vietnamese-provinces-database, MIT, derived from the Vietnam
 * Administrative Units Reference Map of the Natural Resources, Environment and Cartography
 * Publishing House). Read once per process. A province's map gets only its communes with only the
 * arcs they use; the nation's map gets the provinces, each the union of its communes
 * (topojson-client mergeArcs: shared borders drop out).
 */
export const BOUNDARY_CREDIT = 'Ranh giới: Bản đồ tham chiếu đơn vị hành chính Việt Nam (NXB Tài nguyên – Môi trường và Bản đồ Việt Nam), qua thanglequoc/vietnamese-provinces-database (MIT); đã đơn giản hóa.';

export interface BoundaryProps { code: string; name: string; province: string }
type Shape = (Polygon | MultiPolygon) & { properties: BoundaryProps };
type CommuneTopology = Topology<{ communes: GeometryCollection<BoundaryProps> }>;

const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'data', 'communes-2025.topojson');
let source: CommuneTopology | null = null;

/** The whole national topology, parsed once. */
export function nationalBoundaries(): CommuneTopology {
  source ??= JSON.parse(readFileSync(file, 'utf8')) as CommuneTopology;
  return source;
}

/** The boundaries' communes of a province (2-digit code), as the file names them. */
export function boundaryCommunes(provinceCode?: string): BoundaryProps[] {
  return (nationalBoundaries().objects.communes.geometries as Shape[]).map((g) => g.properties).filter((p) => !provinceCode || p.province === provinceCode);
}

/** Keeps only the arcs the geometries use, renumbered (a TopoJSON arc index i, or ~i reversed). */
function pruned(t: CommuneTopology, objects: Record<string, GeometryCollection>): Topology {
  const map = new Map<number, number>();
  const arcs: Topology['arcs'] = [];
  const renumber = (i: number): number => {
    const k = i < 0 ? ~i : i;
    let n = map.get(k);
    if (n === undefined) {
      n = arcs.length;
      map.set(k, n);
      arcs.push(t.arcs[k]);
    }
    return i < 0 ? ~n : n;
  };
  const ring = (r: number[]) => r.map(renumber);
  const out: Record<string, GeometryCollection> = {};
  for (const [name, gc] of Object.entries(objects)) {
    out[name] = {
      type: 'GeometryCollection',
      geometries: gc.geometries.map((g) =>
        g.type === 'Polygon' ? { ...g, arcs: g.arcs.map(ring) } : g.type === 'MultiPolygon' ? { ...g, arcs: g.arcs.map((p) => p.map(ring)) } : g,
      ) as GeometryObject[],
    };
  }
  return { type: 'Topology', transform: t.transform, arcs, objects: out };
}

/** How a catalogue commune is joined to a boundary: by code, else (the two codes that differ) by name in its province. */
export interface CatalogueCommune { code: string; name: string; provinceCode: string }
export interface BoundaryJoin {
  /** boundary code → catalogue code, for every boundary joined */
  codeOf: Map<string, string>;
  /** joined by name because the codes differ: boundary code, catalogue code, name */
  byName: { boundaryCode: string; code: string; name: string }[];
  /** boundaries with no catalogue commune */
  unmatched: BoundaryProps[];
  /** catalogue communes with no boundary */
  withoutGeometry: CatalogueCommune[];
}

/**
 * Joins boundaries to the catalogue's current communes: by the statistics office's code; a boundary
 * whose code the catalogue does not have is joined by its name (diacritics and tone placement
 * ignored) only to the one commune of the same province with that name and no boundary of its own,
 * and listed as such; everything else is listed, never dropped (issue 17, "Data checks").
 */
export function joinBoundaries(boundaries: BoundaryProps[], communes: CatalogueCommune[]): BoundaryJoin {
  const byCode = new Map(communes.map((c) => [c.code, c]));
  const codeOf = new Map<string, string>();
  const rest: BoundaryProps[] = [];
  for (const b of boundaries) if (byCode.has(b.code)) codeOf.set(b.code, b.code);
  else rest.push(b);
  const taken = new Set(codeOf.values());
  const byName: BoundaryJoin['byName'] = [];
  const unmatched: BoundaryProps[] = [];
  for (const b of rest) {
    const same = communes.filter((c) => !taken.has(c.code) && c.provinceCode === b.province && nameKey(c.name) === nameKey(b.name));
    if (same.length === 1) {
      codeOf.set(b.code, same[0].code);
      taken.add(same[0].code);
      byName.push({ boundaryCode: b.code, code: same[0].code, name: same[0].name });
    } else unmatched.push(b);
  }
  return { codeOf, byName, unmatched, withoutGeometry: communes.filter((c) => !taken.has(c.code)) };
}

/**
 * A province's map: its communes (object `communes`, properties code = the catalogue's code, name,
 * boundaryCode when it differs), with the arcs they use. Null when the file has no commune of it.
 */
export function provinceTopology(provinceCode: string, join: BoundaryJoin): Topology | null {
  const t = nationalBoundaries();
  const mine = (t.objects.communes.geometries as Shape[]).filter((g) => g.properties.province === provinceCode && join.codeOf.has(g.properties.code));
  if (!mine.length) return null;
  const geometries = mine.map((g) => {
    const code = join.codeOf.get(g.properties.code)!;
    return { ...g, id: code, properties: { code, name: g.properties.name, ...(code !== g.properties.code ? { boundaryCode: g.properties.code } : {}) } };
  });
  return pruned(t, { communes: { type: 'GeometryCollection', geometries } as GeometryCollection });
}

/** The nation's map: one geometry per province (object `provinces`, properties code and name), merged from its communes. */
export function nationTopology(provinceNames: Map<string, string>): Topology {
  const t = nationalBoundaries();
  const byProvince = new Map<string, Shape[]>();
  for (const g of t.objects.communes.geometries as Shape[]) {
    const list = byProvince.get(g.properties.province) ?? [];
    list.push(g);
    byProvince.set(g.properties.province, list);
  }
  const geometries = [...byProvince].sort(([a], [b]) => a.localeCompare(b)).map(([code, shapes]) => ({
    ...mergeArcs(t, shapes),
    id: code,
    properties: { code, name: provinceNames.get(code) ?? code },
  }));
  return pruned(t, { provinces: { type: 'GeometryCollection', geometries } as GeometryCollection });
}
