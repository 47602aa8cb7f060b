/**
 * Serves a built single-page site (the dashboard) from memory: its `index.html` at `/` and at
 * its prefix, every other file under the prefix (`/dashboard/assets/index-1a2b.js`), so it never
 * shadows an API path. The files are read once, at start (a few hundred KB), each kept with its
 * gzip and a strong entity tag; hashed asset names are cached for a year, the page is revalidated.
 * Pages get a Content-Security-Policy that lets them load only their own files and call only their
 * own origin.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Router, type Request, type Response } from 'express';
import type { CorsPolicy } from './cors-policy';
import { answerOtherMethod, isReadMethod } from './other-methods';
import { rejectUnknownParams } from './strict-query';

/** Content types of the files a Vite build writes; any other is served as bytes. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Files under this folder carry a content hash in their names (Vite's `assets/`): cached for good. */
const HASHED_FOLDER = 'assets/';
const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
const REVALIDATE_CACHE = 'no-cache';

/** The page may load its own scripts, styles and images, call its own origin, and be framed by no one. */
export const STATIC_PAGE_CSP =
  "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Files smaller than this are not worth compressing (bytes). */
const MIN_GZIP_BYTES = 1_024;

interface StaticFile {
  readonly body: Buffer;
  readonly gzip: Buffer | undefined;
  readonly etag: string;
  readonly contentType: string;
  readonly cacheControl: string;
  readonly page: boolean;
}

export interface StaticSiteOptions {
  /** The built site's folder, with `index.html` at its top. */
  root: string;
  /** The URL path of its files, with both slashes: `/dashboard/`. */
  prefix: string;
  cors: CorsPolicy;
}

/**
 * The routes of the site in `options.root`, or undefined when it has no `index.html` (not built):
 * the service then runs without it.
 */
export function staticSiteRoutes(options: StaticSiteOptions): Router | undefined {
  const { root, prefix } = options;
  if (!/^\/(?:[\w-]+\/)+$/u.test(prefix)) throw new RangeError(`prefix must look like /name/, got ${prefix}`);
  if (!existsSync(join(root, 'index.html'))) return undefined;
  const files = new Map<string, StaticFile>();
  for (const path of filesUnder(root)) {
    const name = relative(root, path).split(sep).join('/');
    files.set(`${prefix}${name}`, loadFile(path, name));
  }
  const index = files.get(`${prefix}index.html`)!;
  files.set('/', index);
  files.set(prefix, index);

  const router = Router();
  router.use((req: Request, res: Response, next) => {
    const file = files.get(req.path);
    if (file === undefined) {
      next();
      return;
    }
    if (!isReadMethod(req.method)) {
      answerOtherMethod(req, res, req.path, options.cors);
      return;
    }
    rejectUnknownParams(req.query, []);
    send(req, res, file);
  });
  return router;
}

function send(req: Request, res: Response, file: StaticFile): void {
  res.setHeader('Cache-Control', file.cacheControl);
  res.setHeader('ETag', file.etag);
  res.setHeader('Vary', 'Accept-Encoding');
  if (file.page) res.setHeader('Content-Security-Policy', STATIC_PAGE_CSP);
  if (req.headers['if-none-match'] === file.etag) {
    res.status(304).end();
    return;
  }
  const gzip = file.gzip !== undefined && /\bgzip\b/u.test(req.headers['accept-encoding'] ?? '');
  const body = gzip ? file.gzip : file.body;
  res.setHeader('Content-Type', file.contentType);
  res.setHeader('Content-Length', body.length);
  if (gzip) res.setHeader('Content-Encoding', 'gzip');
  res.status(200).end(req.method === 'HEAD' ? undefined : body);
}

function loadFile(path: string, name: string): StaticFile {
  const body = readFileSync(path);
  const contentType = CONTENT_TYPES[extname(name)] ?? 'application/octet-stream';
  return {
    body,
    gzip: body.length >= MIN_GZIP_BYTES ? gzipSync(body, { level: 9 }) : undefined,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    contentType,
    cacheControl: name.startsWith(HASHED_FOLDER) ? IMMUTABLE_CACHE : REVALIDATE_CACHE,
    page: contentType.startsWith('text/html'),
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
