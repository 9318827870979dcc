import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { buildWeb, FIELD_PREFIX, OFFICE_SCRIPT, OFFICE_STYLES, PORTAL_SCRIPT, PORTAL_STYLES, type WebAsset, type WebBundle } from './web.build.js';

let bundlePromise: Promise<WebBundle> | null = null;

/** The front-end built once per process (on first use), shared by every app instance. */
export function webBundle(): Promise<WebBundle> {
  bundlePromise ??= buildWeb().catch((err) => {
    bundlePromise = null;
    throw err;
  });
  return bundlePromise;
}

/** Answers with a built file: ETag, gzip when the browser takes it, `Cache-Control: no-cache`. */
function sendAsset(req: FastifyRequest, reply: FastifyReply, a: WebAsset) {
  reply.header('cache-control', 'no-cache').header('etag', a.etag).header('vary', 'accept-encoding').type(a.type);
  if (req.headers['if-none-match'] === a.etag) return reply.code(304).send();
  if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(a.gzip);
  return reply.send(a.body);
}

/**
 * Serves the built front-end from memory (src/web/web.build.ts; `npm start` builds it right after
 * listening): the office UI's script at /app.js and style sheet at /styles.css, and the field app (the installable PWA of the team
 * members) at /field/: the page, its script and style, the web manifest, icons and the service
 * worker. Every file is answered with an ETag, gzip when the browser takes it, and `Cache-Control:
 * no-cache` (the service worker keeps the field app's offline copy and renews it by content hash).
 * `/field` redirects to `/field/`; other paths under /field/ are the site's 404 page.
 */
export async function registerWebApp(app: FastifyInstance): Promise<void> {
  for (const url of [OFFICE_SCRIPT, OFFICE_STYLES, PORTAL_SCRIPT, PORTAL_STYLES]) app.get(url, { schema: { hide: true } }, async (req, reply) => sendAsset(req, reply, (await webBundle()).assets.get(url)!));
  app.get('/field', { schema: { hide: true } }, async (_req, reply) => reply.redirect(FIELD_PREFIX, 301));
  app.get('/field/*', { schema: { hide: true } }, async (req: FastifyRequest, reply: FastifyReply) => {
    const { assets } = await webBundle();
    const pathname = req.url.split('?')[0];
    const a = assets.get(pathname === FIELD_PREFIX ? `${FIELD_PREFIX}index.html` : pathname);
    if (!a) return reply.callNotFound();
    return sendAsset(req, reply, a);
  });
}
