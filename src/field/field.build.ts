import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const publicDir = path.join(here, 'public');
const clientDir = path.join(here, 'client');

/** Where the field app is served. */
export const FIELD_PREFIX = '/field/';

/** One file of the built field app, kept in memory with its gzip form. */
export interface FieldAsset {
  url: string;
  type: string;
  body: Buffer;
  gzip: Buffer;
  etag: string;
  /** content hash, the service worker's precache revision */
  revision: string;
}

export interface FieldBundle {
  assets: Map<string, FieldAsset>;
  /** the JavaScript files (page script and service worker), bytes and gzipped bytes */
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

function asset(url: string, body: Buffer): FieldAsset {
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
    entryPoints: [path.join(clientDir, entry)],
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
 * Builds the field app in memory: the static files of src/field/public, the page script
 * (client/app.ts → /field/app.js) and the service worker (client/sw.ts → /field/sw.js, with the
 * precache list of every other file and its content hash), bundled and minified by esbuild.
 * Deterministic: the same sources give the same bytes. Takes a fraction of a second; nothing is
 * written to disk.
 */
export async function buildFieldApp(): Promise<FieldBundle> {
  const started = performance.now();
  const assets = new Map<string, FieldAsset>();
  for (const f of await files(publicDir)) assets.set(FIELD_PREFIX + f, asset(FIELD_PREFIX + f, await readFile(path.join(publicDir, f))));
  assets.set(`${FIELD_PREFIX}app.js`, asset(`${FIELD_PREFIX}app.js`, await bundle('app.ts', {})));
  const precache = [...assets.values()].map((a) => ({ url: a.url, revision: a.revision }));
  const sw = asset(`${FIELD_PREFIX}sw.js`, await bundle('sw.ts', { __FIELD_PRECACHE__: JSON.stringify(precache) }));
  assets.set(sw.url, sw);
  const js = [...assets.values()].filter((a) => a.url.endsWith('.js')).map((a) => ({ url: a.url, bytes: a.body.length, gzipBytes: a.gzip.length }));
  return { assets, js, buildMs: performance.now() - started };
}
