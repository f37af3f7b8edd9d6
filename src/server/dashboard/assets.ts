/**
 * Static assets for a poor connection: each body is read once, gzipped once (level 9), and answered with a strong
 * ETag, so a returning browser revalidates with a 304 of a few hundred bytes and a first visit moves the gzipped size.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.geojson': 'application/geo+json; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
};

const compressible = /^(text\/|application\/(json|geo\+json|manifest\+json)|image\/svg)/;

export interface Asset {
  type: string;
  body: Buffer;
  gzip?: Buffer;
  etag: string;
  /** `Cache-Control` value. */
  cache: string;
  headers?: Record<string, string>;
}

export function makeAsset(body: Buffer | string, type: string, cache: string, headers?: Record<string, string>): Asset {
  const buf = typeof body === 'string' ? Buffer.from(body) : body;
  const etag = `"${createHash('sha256').update(buf).digest('base64url').slice(0, 27)}"`;
  const asset: Asset = { type, body: buf, etag, cache };
  // Below a packet, gzip saves nothing worth a header.
  if (compressible.test(type) && buf.length > 1024) asset.gzip = gzipSync(buf, { level: 9 });
  if (headers) asset.headers = headers;
  return asset;
}

export function fileAsset(path: string, cache: string, headers?: Record<string, string>): Asset {
  const type = contentTypes[extname(path)] ?? 'application/octet-stream';
  return makeAsset(readFileSync(path), type, cache, headers);
}

/** Answers from an asset: 304 when the browser holds it, gzip when it accepts it. */
export function sendAsset(request: FastifyRequest, reply: FastifyReply, a: Asset): FastifyReply {
  reply
    .header('etag', a.etag)
    .header('cache-control', a.cache)
    .header('vary', 'accept-encoding')
    .header('x-content-type-options', 'nosniff');
  for (const [k, v] of Object.entries(a.headers ?? {})) reply.header(k, v);
  const inm = request.headers['if-none-match'];
  if (inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === a.etag)) return reply.code(304).send();
  reply.type(a.type);
  if (a.gzip && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? '')))
    return reply.header('content-encoding', 'gzip').send(a.gzip);
  return reply.send(a.body);
}

/** Files under `dir` with a known content type, as URL paths (forward slashes, no leading slash), sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name.startsWith('.')) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (contentTypes[extname(name)] && !name.endsWith('.test.js'))
        out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}
