/**
 * One HTTP exchange over the global fetch (undici): the timeout covers headers and body, a
 * 2xx body has a size limit, and the signal aborts it at once. Any answer with a status is
 * returned; only transport failures throw.
 */
import type { RestHeaders } from './rest-venue';

/** Bytes of a non-2xx body kept (for messages and venue error codes). */
export const MAX_ERROR_BODY_BYTES = 512;

export interface HttpRequest {
  url: string;
  method: string;
  headers: Readonly<Record<string, string>>;
  body?: string;
}

export interface HttpAnswer {
  status: number;
  headers: RestHeaders;
  /** The whole body of a 2xx answer; the first {@link MAX_ERROR_BODY_BYTES} of any other. */
  bodyText: string;
}

/** Why an exchange produced no answer. */
export type HttpFailure =
  | { kind: 'timeout' }
  | { kind: 'too-large'; status: number; headers: RestHeaders }
  | { kind: 'network'; cause: string };

export class HttpExchangeError extends Error {
  constructor(readonly failure: HttpFailure) {
    super(failure.kind);
  }
}

export interface HttpExchangeOptions {
  fetch: typeof fetch;
  timeoutMs: number;
  maxBodyBytes: number;
  /** Aborts the exchange; its reason is rethrown as is. */
  signal: AbortSignal;
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

/** Throws {@link HttpExchangeError}, or the signal's reason when it aborted. */
export async function httpExchange(request: HttpRequest, options: HttpExchangeOptions): Promise<HttpAnswer> {
  const abort = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort.abort();
  }, options.timeoutMs);
  const onOuterAbort = () => abort.abort();
  options.signal.addEventListener('abort', onOuterAbort, { once: true });
  try {
    if (options.signal.aborted) abort.abort();
    const response = await options.fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: abort.signal,
    });
    const headers = Object.fromEntries(response.headers.entries());
    if (!response.ok) {
      const { text } = await readText(response, MAX_ERROR_BODY_BYTES);
      return { status: response.status, headers, bodyText: text };
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    const { text, truncated } =
      declared > options.maxBodyBytes
        ? { text: '', truncated: true }
        : await readText(response, options.maxBodyBytes);
    if (truncated) {
      if (declared > options.maxBodyBytes) await response.body?.cancel();
      throw new HttpExchangeError({ kind: 'too-large', status: response.status, headers });
    }
    return { status: response.status, headers, bodyText: text };
  } catch (error) {
    if (error instanceof HttpExchangeError) throw error;
    if (options.signal.aborted) throw options.signal.reason;
    if (timedOut) throw new HttpExchangeError({ kind: 'timeout' });
    throw new HttpExchangeError({ kind: 'network', cause: describeCause(error) });
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', onOuterAbort);
  }
}

/**
 * `fetch failed` says nothing; undici puts the useful part (ECONNREFUSED...) in `cause`. Read by
 * shape: undici's errors may come from another realm than this module's `Error`.
 */
function describeCause(error: unknown): string {
  const { message, cause } = (error ?? {}) as {
    message?: unknown;
    cause?: { message?: unknown; code?: unknown };
  };
  if (cause !== undefined && cause !== null && typeof cause.message === 'string') {
    return typeof cause.code === 'string' ? `${cause.code} (${cause.message})` : cause.message;
  }
  return typeof message === 'string' ? message : String(error);
}

/** The URL without its query string's values, in case a venue ever takes a key there. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}${parsed.search === '' ? '' : '?…'}`;
  } catch {
    return '(invalid URL)';
  }
}
