/**
 * One bounded GET for the symbol catalog: the same mechanism as the upstream's REST fallback
 * (global `fetch`, injectable for tests, an AbortController timeout), plus what a list of
 * thousands of symbols needs: the timeout covers the whole body, the body has a size limit, and
 * the caller's signal (stop) aborts it at once. Any answer with a status is returned, so the
 * caller can honour 429/418; only transport failures throw.
 */
import type { RestRequest, RestResponseHeaders } from '@tickwire/exchanges';
import { SymbolCatalogError, SymbolCatalogErrorCode } from './symbol-catalog-errors';

/** Bytes of a non-2xx body kept for the error message. */
export const MAX_ERROR_BODY_BYTES = 512;

export interface RestGetOptions {
  fetch: typeof fetch;
  /** The whole exchange, headers and body, must take less than this (ms). */
  timeoutMs: number;
  /** A 2xx body beyond this many bytes is refused. */
  maxBodyBytes: number;
  /** Aborts the request (the caller is stopping). */
  signal?: AbortSignal;
}

export interface RestGetResult {
  status: number;
  headers: RestResponseHeaders;
  /** The whole body of a 2xx answer; the first {@link MAX_ERROR_BODY_BYTES} of any other. */
  bodyText: string;
}

/** Reads at most `maxBytes` of the body; `truncated` when there was more. */
async function readText(response: Response, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
  // Node's lib types leave the chunk type open; fetch bodies are bytes.
  const reader = response.body?.getReader() as ReadableStreamDefaultReader<Uint8Array> | undefined;
  if (reader === undefined) return { text: '', truncated: false };
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      parts.push(decoder.decode(value.subarray(0, value.byteLength - (bytes - maxBytes)), { stream: true }));
      await reader.cancel();
      return { text: parts.join('') + decoder.decode(), truncated: true };
    }
    parts.push(decoder.decode(value, { stream: true }));
  }
  parts.push(decoder.decode());
  return { text: parts.join(''), truncated: false };
}

/**
 * GETs `request`. Throws {@link SymbolCatalogError}: `SYMBOL_LIST_TIMEOUT`, `SYMBOL_LIST_NETWORK`
 * or `SYMBOL_LIST_BODY_TOO_LARGE`; an abort through `options.signal` rethrows its reason.
 */
export async function restGet(request: RestRequest, options: RestGetOptions): Promise<RestGetResult> {
  const abort = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, options.timeoutMs);
  const onOuterAbort = () => abort.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    if (options.signal?.aborted) abort.abort();
    const response = await options.fetch(request.url, { signal: abort.signal, headers: request.headers });
    const headers = Object.fromEntries(response.headers.entries());
    if (!response.ok) {
      const { text } = await readText(response, MAX_ERROR_BODY_BYTES);
      return { status: response.status, headers, bodyText: text };
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > options.maxBodyBytes) await response.body?.cancel();
    const { text, truncated } =
      declared > options.maxBodyBytes
        ? { text: '', truncated: true }
        : await readText(response, options.maxBodyBytes);
    if (truncated) {
      throw new SymbolCatalogError(
        SymbolCatalogErrorCode.BodyTooLarge,
        `the answer to ${safeUrl(request.url)} is over ${options.maxBodyBytes} bytes: raise the body limit if the list really is that long`,
      );
    }
    return { status: response.status, headers, bodyText: text };
  } catch (error) {
    if (error instanceof SymbolCatalogError) throw error;
    if (timedOut) {
      throw new SymbolCatalogError(
        SymbolCatalogErrorCode.Timeout,
        `no complete answer from ${safeUrl(request.url)} within ${options.timeoutMs} ms`,
      );
    }
    if (options.signal?.aborted) throw error;
    const cause = error instanceof Error ? describeCause(error) : String(error);
    throw new SymbolCatalogError(
      SymbolCatalogErrorCode.Network,
      `cannot reach ${safeUrl(request.url)}: ${cause}; check the REST base URL and the network`,
    );
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}

/** `fetch failed` says nothing; undici puts the useful part (ECONNREFUSED...) in `cause`. */
function describeCause(error: Error): string {
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    return typeof code === 'string' ? `${code} (${cause.message})` : cause.message;
  }
  return error.message;
}

/** The URL without its query string's values, in case an exchange ever takes a key there. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}${parsed.search === '' ? '' : '?…'}`;
  } catch {
    return '(invalid URL)';
  }
}
