/**
 * Reads a request's JSON body, refusing what a route cannot take before parsing it: another
 * media type (415), more than the route's limit (413, counted while reading, so a lying or
 * missing Content-Length changes nothing) and text that is not JSON (400).
 */
import type { IncomingMessage } from 'node:http';
import { commonHttpErrors } from '../errors';

/** The limit of a route that does not name its own (bytes). */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

export async function readJsonBody(
  req: IncomingMessage,
  maxBytes: number = DEFAULT_MAX_BODY_BYTES,
): Promise<unknown> {
  const contentType = req.headers['content-type'];
  const mediaType = contentType?.split(';', 1)[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') throw commonHttpErrors.unsupportedMediaType(contentType);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    // The rest is not read: the connection closes after the answer instead of draining it.
    req.resume();
    throw commonHttpErrors.bodyTooLarge(maxBytes);
  }
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > maxBytes) throw commonHttpErrors.bodyTooLarge(maxBytes);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw commonHttpErrors.invalidJson('the body is empty');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw commonHttpErrors.invalidJson((error as Error).message);
  }
}
