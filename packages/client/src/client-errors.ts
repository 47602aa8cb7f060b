/**
 * Every failure the client reports is a TickwireClientError with a stable `code`: the pod's own
 * (`UNKNOWN_SYMBOL`, `TOO_MANY_STREAMS`, ...) when it answered with its JSON error, else one of
 * CLIENT_ERRORS. Codes are never renamed once published.
 */
import { parseRetryAfter, TickwireError } from '@tickwire/core';

/** The client's own codes, for failures the server did not describe. */
export const CLIENT_ERRORS = {
  /** No answer: refused, reset, name not resolved, or the connection dropped mid-stream. */
  network: 'NETWORK_ERROR',
  /** No response head within `connectTimeoutMs`. */
  connectTimeout: 'CONNECT_TIMEOUT',
  /** A REST request got no complete answer within `timeoutMs`. */
  timeout: 'TIMEOUT',
  /** An open stream sent nothing (not even a heartbeat) for `heartbeatTimeoutMs`. */
  heartbeatTimeout: 'HEARTBEAT_TIMEOUT',
  /** The server ended the stream (a pod shutting down, a slow reader cut). */
  streamEnded: 'STREAM_ENDED',
  /** 401, and the one refresh did not help (or there was no `refresh`). */
  unauthorized: 'UNAUTHORIZED',
  /** An HTTP error without the pods' JSON error body (a proxy's page, for one). */
  httpError: 'HTTP_ERROR',
  /** A 2xx that is not what was asked for: not an event stream, or not JSON. */
  badResponse: 'BAD_RESPONSE',
  /** A bug in the client: the stream stopped rather than retry blindly. */
  internal: 'INTERNAL',
} as const;

export type ClientErrorCode = (typeof CLIENT_ERRORS)[keyof typeof CLIENT_ERRORS];

const HTTP_UNAUTHORIZED = 401;
/** Longest error body read: a pod's is a few hundred bytes, a proxy's HTML page is not worth more. */
const MAX_ERROR_BODY_CHARS = 4_096;

export class TickwireClientError extends TickwireError {
  /** The HTTP status, when the server answered. */
  readonly status: number | undefined;
  /** How long the server asked the client to wait (`Retry-After`, ms). */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: string,
    message: string,
    details: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** The error a non-2xx response stands for, read from the pods' `{"error": {"code", "message"}}`. */
export async function errorFromResponse(
  response: Response,
  nowMs = Date.now(),
): Promise<TickwireClientError> {
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), nowMs);
  let text = '';
  try {
    text = (await response.text()).slice(0, MAX_ERROR_BODY_CHARS);
  } catch {
    // The body is only a better message; the status says enough.
  }
  const described = readErrorBody(text);
  const fallbackCode =
    response.status === HTTP_UNAUTHORIZED ? CLIENT_ERRORS.unauthorized : CLIENT_ERRORS.httpError;
  return new TickwireClientError(
    described?.code ?? fallbackCode,
    described?.message ?? `HTTP ${response.status} from ${response.url || 'the server'}`,
    { status: response.status, retryAfterMs },
  );
}

/** The error a failed fetch or body read stands for. */
export function networkError(cause: unknown, url: string): TickwireClientError {
  const reason =
    cause instanceof Error
      ? cause.cause instanceof Error
        ? cause.cause.message
        : cause.message
      : String(cause);
  return new TickwireClientError(CLIENT_ERRORS.network, `cannot reach ${url}: ${reason}`, { cause });
}

function readErrorBody(text: string): { code: string; message: string } | undefined {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    const { code, message } = body.error ?? {};
    if (typeof code === 'string' && typeof message === 'string') return { code, message };
  } catch {
    // not JSON: a proxy's or a load balancer's page
  }
  return undefined;
}
