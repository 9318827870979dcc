// Choropleth maps of a province's communes, or of the nation's provinces (issue 17). SVG drawn
// with d3-geo from the official boundaries (GET /api/maps/boundaries/:code, topojson-client):
// no tiles, no WebGL, nothing from another origin, so it works under the strict CSP, offline on
// the office's network and on low-end phones. Why SVG and not MapLibre GL: see ARCHITECTURE.md.
import { geoMercator, geoPath } from 'd3-geo';
import { useMemo, useState } from 'preact/hooks';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import type { FeatureCollection, Geometry } from 'geojson';
import { api } from './client.js';
import { saveFile } from './download.js';
import { classify, classLabel, classOf, type ClassMethod, type MapClass, NO_DATA } from './map.classes.js';
import { mapSvg } from './map.export.js';
import { initialMeasure } from './map.measures.js';
import { Loading, LoadError, useLoad } from './ui.js';
import { fold } from '../shared/format.js';

/** "Bản đồ hoạt động theo xã, phường: Sơn La sessions Tháng 12/2026" → "ban-do-hoat-dong-theo-xa-phuong-son-la-sessions-thang-12-2026" (no diacritics, đ → d). */
export function fileSlug(text: string): string {
  return fold(text).replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 120);
}

/** One place's figure: `value` null when it has none (`text` says why, e.g. "chưa có số dân"). */
export interface MapRow { code: string; name: string; value: number | null; text: string }
/** A measure the reader chooses: its label, the unit of its legend, decimals shown. */
export interface MapMeasure { id: string; label: string; unit: string; digits: number; rows: MapRow[] }

type Props = Record<string, unknown> & { code: string; name: string };
type Boundaries = Awaited<ReturnType<typeof loadBoundaries>>;
const WIDTH = 640;
const loaded = new Map<string, ReturnType<typeof loadBoundaries>>();

/** A province's (or VN: the nation's) shapes projected once: SVG path per code, the frame's height. */
async function loadBoundaries(code: string) {
  const b = await api.call('GET /api/maps/boundaries/:code', { params: { code } });
  const t = b.topology as Topology<Record<string, GeometryCollection<Props>>>;
  const fc = feature(t, t.objects[code === 'VN' ? 'provinces' : 'communes']) as unknown as FeatureCollection<Geometry, Props>;
  const projection = geoMercator().fitWidth(WIDTH - 16, fc);
  const path = geoPath(projection);
  const [[, y0], [, y1]] = path.bounds(fc);
  projection.translate([projection.translate()[0] + 8, projection.translate()[1] - y0 + 8]);
  const shapes = fc.features.map((f) => ({ code: String(f.properties.code), name: String(f.properties.name), d: path(f) ?? '' }));
  // the communes joined by name are a province map's note; the nation's map draws provinces, where that note would only puzzle
  return { shapes, height: Math.ceil(y1 - y0 + 16), credit: b.credit, byName: code === 'VN' ? [] : b.byName, withoutGeometry: b.withoutGeometry };
}

function boundaries(code: string) {
  let p = loaded.get(code);
  if (!p) {
    p = loadBoundaries(code);
    loaded.set(code, p);
    p.catch(() => loaded.delete(code));
  }
  return p;
}

let instances = 0;

/**
 * The map section: a measure picker, classes (quantiles or fixed steps), the map with its legend in
 * Vietnamese, the place under the pointer or tapped with its figure, a click (a second tap on a
 * phone) opening `link(code)`, PNG and SVG export with title, period, legend and credit; places of
 * the figures without a boundary, and boundaries joined by name, are listed under the map.
 */
export function ChoroplethMap({ boundary, title, period, measures, link, linkText }: { boundary: string; title: string; period: string; measures: MapMeasure[]; link: (code: string) => string | null; linkText: string }) {
  const data = useLoad(() => boundaries(boundary), [boundary]);
  const [measureId, setMeasureId] = useState(() => initialMeasure(measures)?.id ?? '');
  const [method, setMethod] = useState<ClassMethod>('quantile');
  const [focus, setFocus] = useState<string | null>(null);
  const id = useMemo(() => `map${++instances}`, []);
  const measure = measures.find((m) => m.id === measureId) ?? measures[0];
  const classes = useMemo(() => (measure ? classify(measure.rows.map((r) => r.value), method) : []), [measure, method]);
  if (!measure) return null;
  return (
    <section class="dash-section map-section" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{title}</h3>
      <div class="map-controls">
        <label>
          {'Chỉ số '}
          <select value={measure.id} onChange={(e) => setMeasureId((e.target as HTMLSelectElement).value)} data-map-measure="">
            {measures.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        <fieldset class="map-method">
          <legend>Chia lớp</legend>
          <label>
            <input type="radio" name={`${id}-m`} checked={method === 'quantile'} onChange={() => setMethod('quantile')} /> Phân vị (số nơi đều nhau)
          </label>
          <label>
            <input type="radio" name={`${id}-m`} checked={method === 'steps'} onChange={() => setMethod('steps')} /> Khoảng đều
          </label>
        </fieldset>
      </div>
      {data.loading ? <Loading what="Đang tải bản đồ…" /> : data.error ? <LoadError error={data.error} title="Không tải được bản đồ" /> : <MapBody id={id} b={data.data} measure={measure} classes={classes} focus={focus} setFocus={setFocus} link={link} linkText={linkText} title={title} period={period} />}
    </section>
  );
}

function MapBody({ id, b, measure, classes, focus, setFocus, link, linkText, title, period }: { id: string; b: Boundaries; measure: MapMeasure; classes: MapClass[]; focus: string | null; setFocus: (c: string | null) => void; link: (code: string) => string | null; linkText: string; title: string; period: string }) {
  const rows = useMemo(() => new Map(measure.rows.map((r) => [r.code, r])), [measure]);
  const drawn = new Set(b.shapes.map((s) => s.code));
  const fill = (code: string) => {
    const r = rows.get(code);
    return r && r.value !== null && classes.length ? classes[classOf(classes, r.value)].colour : `url(#${id}-none)`;
  };
  const noFigure = b.shapes.filter((s) => (rows.get(s.code)?.value ?? null) === null).length;
  const undrawn = measure.rows.filter((r) => !drawn.has(r.code));
  const focused = focus ? rows.get(focus) ?? { code: focus, name: b.shapes.find((s) => s.code === focus)?.name ?? focus, value: null, text: 'không có số liệu' } : null;
  const href = focused ? link(focused.code) : null;
  const legend = [...classes.map((c, i) => ({ colour: c.colour, label: `${classLabel(c, i === classes.length - 1, measure.digits, measure.unit)} (${c.count} nơi)` })), ...(noFigure ? [{ colour: NO_DATA, label: `Chưa có số liệu (${noFigure} nơi)` }] : [])];
  const svgFor = () => mapSvg({ title, subtitle: `${measure.label} · ${period}`, width: WIDTH, height: b.height, shapes: b.shapes.map((s) => ({ d: s.d, fill: fill(s.code).startsWith('url(') ? NO_DATA : fill(s.code), name: s.name })), legend, credit: b.credit });
  const exportAs = async (kind: 'svg' | 'png') => {
    const svg = svgFor();
    // the place, the measure and the period in the name: two maps saved in a row never overwrite each other
    const name = fileSlug(`${title} ${measure.id} ${period}`);
    if (kind === 'svg') return saveFile(new Blob([svg.text], { type: 'image/svg+xml' }), `${name}.svg`);
    const img = new Image();
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg.text)}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = svg.width * 2;
    canvas.height = svg.height * 2;
    const g = canvas.getContext('2d')!;
    g.scale(2, 2);
    g.drawImage(img, 0, 0, svg.width, svg.height);
    canvas.toBlob((blob) => blob && saveFile(blob, `${name}.png`), 'image/png');
  };
  const pick = (code: string, e: PointerEvent | MouseEvent) => {
    // a phone: the first tap shows the figure, a second tap on the same place opens it
    const touch = 'pointerType' in e && (e as PointerEvent).pointerType === 'touch';
    if (touch && focus !== code) return setFocus(code);
    const to = link(code);
    if (to) location.hash = to;
  };
  return (
    <>
      <div class="map-frame">
        <svg class="map" viewBox={`0 0 ${WIDTH} ${b.height}`} role="img" aria-labelledby={`${id}-h ${id}-d`} data-map={measure.id}>
          <defs>
            <pattern id={`${id}-none`} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
              <rect width="6" height="6" fill={NO_DATA} />
              <line x1="0" y1="0" x2="0" y2="6" stroke="#9a9a9a" stroke-width="2" />
            </pattern>
          </defs>
          {b.shapes.map((s) => (
            <path
              key={s.code}
              d={s.d}
              fill={fill(s.code)}
              class={focus === s.code ? 'map-shape is-focus' : 'map-shape'}
              data-code={s.code}
              data-value={rows.get(s.code)?.value ?? ''}
              onPointerEnter={(e) => e.pointerType !== 'touch' && setFocus(s.code)}
              onClick={(e) => pick(s.code, e)}
            >
              <title>{`${s.name}: ${rows.get(s.code)?.text ?? 'không có số liệu'}`}</title>
            </path>
          ))}
        </svg>
      </div>
      <p id={`${id}-d`} class="map-focus" aria-live="polite" data-map-focus="">
        {focused ? (
          <>
            <strong>{focused.name}</strong>
            {`: ${focused.text}`}
            {href ? (
              <>
                {' · '}
                <a href={href}>{linkText}</a>
              </>
            ) : null}
          </>
        ) : (
          'Di chuột hoặc chạm vào một nơi trên bản đồ để xem số liệu; bấm (chạm lần nữa) để mở nơi đó.'
        )}
      </p>
      <ul class="map-legend" aria-label={`Chú giải: ${measure.label}`}>
        {legend.map((l) => (
          <li key={l.label}>
            <svg class="swatch" viewBox="0 0 18 12" aria-hidden="true">
              <rect width="18" height="12" fill={l.colour === NO_DATA ? `url(#${id}-none)` : l.colour} stroke="#666" stroke-width="0.5" />
            </svg>
            {l.label}
          </li>
        ))}
      </ul>
      <div class="actions map-export">
        <button type="button" class="btn btn-secondary btn-small" onClick={() => void exportAs('png')}>
          Tải ảnh PNG
        </button>
        <button type="button" class="btn btn-secondary btn-small" onClick={() => void exportAs('svg')}>
          Tải ảnh SVG
        </button>
      </div>
      {undrawn.length ? (
        <p class="hint map-missing" data-map-missing="">{`Chưa có ranh giới trên bản đồ (số liệu vẫn tính trong bảng): ${undrawn.map((r) => `${r.name} — ${r.text}`).join('; ')}.`}</p>
      ) : null}
      {b.byName.length ? <p class="meta">{`Ghép ranh giới theo tên vì mã trong tệp ranh giới khác mã danh mục: ${b.byName.map((x) => `${x.name} (${x.boundaryCode} → ${x.code})`).join(', ')}.`}</p> : null}
      <p class="meta map-credit">{b.credit}</p>
    </>
  );
}
