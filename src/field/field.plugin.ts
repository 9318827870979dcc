import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { buildFieldApp, FIELD_PREFIX, type FieldBundle } from './field.build.js';

let bundlePromise: Promise<FieldBundle> | null = null;

/** The field app built once per process (on first use), shared by every app instance. */
export function fieldBundle(): Promise<FieldBundle> {
  bundlePromise ??= buildFieldApp().catch((err) => {
    bundlePromise = null;
    throw err;
  });
  return bundlePromise;
}

/**
 * Serves the field app (the installable PWA of the team members) at /field/: the page, its script
 * and style, the web manifest, icons and the service worker, from memory, built by esbuild on
 * first use (src/field/field.build.ts; `npm start` builds it right after listening). Every file is
 * answered with an ETag, gzip when the browser takes it, and `Cache-Control: no-cache` (the service worker keeps the offline copy
 * and renews it by content hash). `/field` redirects to `/field/`; other paths under /field/ are
 * the site's 404 page.
 */
export async function registerFieldApp(app: FastifyInstance): Promise<void> {
  app.get('/field', { schema: { hide: true } }, async (_req, reply) => reply.redirect(FIELD_PREFIX, 301));
  app.get('/field/*', { schema: { hide: true } }, async (req: FastifyRequest, reply: FastifyReply) => {
    const { assets } = await fieldBundle();
    const pathname = req.url.split('?')[0];
    const a = assets.get(pathname === FIELD_PREFIX ? `${FIELD_PREFIX}index.html` : pathname);
    if (!a) return reply.callNotFound();
    reply.header('cache-control', 'no-cache').header('etag', a.etag).header('vary', 'accept-encoding').type(a.type);
    if (req.headers['if-none-match'] === a.etag) return reply.code(304).send();
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(a.gzip);
    return reply.send(a.body);
  });
}
