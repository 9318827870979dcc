import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

/**
 * Browser libraries served from node_modules at /vendor/NAME (same origin, so the strict CSP
 * `script-src 'self'` allows them; no CDN). Only the files listed here are reachable.
 * - `chart.umd.min.js`: Chart.js 4 (MIT), the dashboards' charts; a UMD build that sets
 *   `globalThis.Chart`, draws on canvas and needs no inline styles.
 */
const require = createRequire(import.meta.url);
const FILES: Record<string, string> = {
  'chart.umd.min.js': path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js'),
};

/** Registers GET /vendor/:file for the files above (404 for anything else), cached for a day. */
export async function registerVendorScripts(app: FastifyInstance): Promise<void> {
  const cache = new Map<string, Buffer>();
  app.get<{ Params: { file: string } }>('/vendor/:file', async (req, reply) => {
    const source = Object.hasOwn(FILES, req.params.file) ? FILES[req.params.file] : undefined;
    if (!source) return reply.status(404).type('text/plain; charset=utf-8').send('Không có tệp này.');
    let body = cache.get(source);
    if (!body) cache.set(source, (body = await readFile(source)));
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(body);
  });
}
