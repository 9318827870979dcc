import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

const gzipAsync = promisify(gzip);

/** A response body kept with its gzip form and an ETag of its bytes. */
export interface Compressed { body: Buffer; gzip: Buffer; etag: string }

/** Gzips a body (zlib, level 6, off the event loop) and names its bytes (a SHA-1 ETag). */
export async function compress(content: string | Buffer): Promise<Compressed> {
  const body = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return { body, gzip: await gzipAsync(body, { level: 6 }), etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"` };
}

/**
 * Sends a compressed body with `type`: an ETag (304 when the browser already has these bytes, on a
 * 200), gzip when the browser takes it, `Vary: Accept-Encoding`, and `cacheControl` (default
 * `no-cache`: the browser asks again each time and gets a 304 while nothing changed).
 */
export function sendCompressed(req: FastifyRequest, reply: FastifyReply, c: Compressed, type: string, code = 200, cacheControl = 'no-cache') {
  reply.code(code).type(type).header('cache-control', cacheControl).header('vary', 'accept-encoding').header('etag', c.etag);
  if (code === 200 && req.headers['if-none-match'] === c.etag) return reply.code(304).send();
  if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(c.gzip);
  return reply.send(c.body);
}
