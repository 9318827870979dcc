import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
/** the field app's static files (HTML, CSS, manifest, icons) */
const fieldPublicDir = path.join(here, 'field', 'public');

/** The office UI's script, bundled from src/web/office/main.tsx. */
export const OFFICE_SCRIPT = '/app.js';
/** The office UI's style sheet, bundled from src/web/office/styles.css (with the shared colours). */
export const OFFICE_STYLES = '/styles.css';

/** Where the field app is served. */
export const FIELD_PREFIX = '/field/';
/** The residents' pages' one script and style sheet (portal/portal.ts, portal/portal.css). */
export const PORTAL_SCRIPT = '/portal.js';
export const PORTAL_STYLES = '/portal.css';

/** One file of the built field app, kept in memory with its gzip form. */
export interface WebAsset {
  url: string;
  type: string;
  body: Buffer;
  gzip: Buffer;
  etag: string;
  /** content hash, the service worker's precache revision */
  revision: string;
}

export interface WebBundle {
  /** every built file by URL: the office script, and the field app's files under /field/ */
  assets: Map<string, WebAsset>;
  /** the JavaScript files (office script, field page script, service worker), bytes and gzipped bytes */
  js: { url: string; bytes: number; gzipBytes: number }[];
  buildMs: number;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};
/** Older Android WebViews: esbuild lowers ?. ?? and class fields to this. */
const TARGET = ['es2017'];

function asset(url: string, body: Buffer): WebAsset {
  const revision = createHash('sha256').update(body).digest('hex').slice(0, 16);
  const type = TYPES[path.extname(url)] ?? 'application/octet-stream';
  return { url, type, body, gzip: gzipSync(body, { level: 9 }), etag: `"${revision}"`, revision };
}

async function files(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(p, base)));
    else out.push(path.relative(base, p).split(path.sep).join('/'));
  }
  return out.sort();
}

async function bundle(entry: string, define: Record<string, string>): Promise<Buffer> {
  const r = await build({
    entryPoints: [path.join(here, entry)],
    // TSX on Preact (https://preactjs.com/guide/v10/getting-started#integrating-into-an-existing-pipeline)
    jsx: 'automatic',
    jsxImportSource: 'preact',
    bundle: true,
    minify: true,
    format: 'iife',
    target: TARGET,
    write: false,
    charset: 'utf8',
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"', ...define },
    logLevel: 'silent',
  });
  return Buffer.from(r.outputFiles[0].contents);
}

/**
 * Builds the web front-end in memory, with esbuild, from the one source tree src/web/:
 * - the residents' pages' script and style: src/web/portal/portal.ts → /portal.js, portal.css → /portal.css;
 * - the office UI: src/web/office/main.tsx → /app.js and office/styles.css → /styles.css (its HTML,
 *   and the dashboard's extra CSS, are static files of src/web/public/);
 * - the field app: the static files of src/web/field/public under /field/, the page script
 *   (field/app.tsx → /field/app.js), the directives screen loaded on demand (→ /field/directives.js) and the help requests screen (→ /field/help.js)
 *   and the service worker (field/sw.ts → /field/sw.js, with the
 *   precache list of every other field file and its content hash).
 * Bundled, minified, ES2017 (older Android WebViews). Deterministic: the same sources give the same
 * bytes. Takes about a second; nothing is written to disk.
 */
export async function buildWeb(): Promise<WebBundle> {
  const started = performance.now();
  const assets = new Map<string, WebAsset>();
  assets.set(OFFICE_SCRIPT, asset(OFFICE_SCRIPT, await bundle('office/main.tsx', {})));
  assets.set(OFFICE_STYLES, asset(OFFICE_STYLES, await bundle('office/styles.css', {})));
  assets.set(PORTAL_SCRIPT, asset(PORTAL_SCRIPT, await bundle('portal/portal.ts', {})));
  assets.set(PORTAL_STYLES, asset(PORTAL_STYLES, await bundle('portal/portal.css', {})));
  const field: WebAsset[] = [asset(`${FIELD_PREFIX}app.css`, await bundle('field/app.css', {}))];
  for (const f of await files(fieldPublicDir)) field.push(asset(FIELD_PREFIX + f, await readFile(path.join(fieldPublicDir, f))));
  field.push(asset(`${FIELD_PREFIX}app.js`, await bundle('field/app.tsx', {})));
  // the directives screen, loaded when first opened (field/directives-loader.tsx); precached like the rest
  field.push(asset(`${FIELD_PREFIX}directives.js`, await bundle('field/directives/directives.tsx', {})));
  // the residents' help requests, likewise (field/help/help.tsx)
  field.push(asset(`${FIELD_PREFIX}help.js`, await bundle('field/help/help.tsx', {})));
  const precache = field.map((a) => ({ url: a.url, revision: a.revision }));
  field.push(asset(`${FIELD_PREFIX}sw.js`, await bundle('field/sw.ts', { __FIELD_PRECACHE__: JSON.stringify(precache) })));
  for (const a of field) assets.set(a.url, a);
  const js = [...assets.values()].filter((a) => a.url.endsWith('.js')).map((a) => ({ url: a.url, bytes: a.body.length, gzipBytes: a.gzip.length }));
  return { assets, js, buildMs: performance.now() - started };
}
