/**
 * One Server-Sent Events connection over `fetch`, so the client sets its own headers
 * (Last-Event-ID, credentials) and sees the status of a refused stream, which EventSource hides.
 * It runs until the stream ends, fails or is aborted, and never retries: PriceStream decides
 * that. Two watchdogs: the response head must come within the connect timeout, and an open
 * stream must send something (an event or the pods' comment heartbeat) within the heartbeat
 * timeout, else the connection is presumed dead (a frozen pod, a half-open TCP connection).
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { CLIENT_ERRORS, errorFromResponse, networkError, TickwireClientError } from './client-errors';

export interface EventStreamRequest {
  url: string;
  headers: Record<string, string>;
  fetch: typeof fetch;
  connectTimeoutMs: number;
  heartbeatTimeoutMs: number;
  /** Aborting it ends the stream quietly: `runEventStream` then resolves undefined. */
  signal: AbortSignal;
}

export interface EventStreamHandlers {
  /** The server accepted the stream (2xx, `text/event-stream`). */
  onOpen(): void;
  onEvent(message: EventSourceMessage): void;
}

const EVENT_STREAM_TYPE = 'text/event-stream';
/** One SSE event of the pods is a few hundred bytes, a snapshot a few hundred per symbol: far below this. */
const MAX_EVENT_CHARS = 16 * 1024 * 1024;

/**
 * Runs one stream to its end and resolves with why it ended: a TickwireClientError, or
 * undefined when `signal` aborted it. A TickwireClientError a handler throws ends it the same
 * way (a malformed event); anything else a handler throws is rethrown.
 */
export async function runEventStream(
  request: EventStreamRequest,
  handlers: EventStreamHandlers,
): Promise<TickwireClientError | undefined> {
  const { url, signal } = request;
  if (signal.aborted) return undefined;
  const controller = new AbortController();
  const abort = () => controller.abort();
  signal.addEventListener('abort', abort);
  let timedOut: TickwireClientError | undefined;
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  const arm = (ms: number, code: string, what: string) => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      timedOut = new TickwireClientError(code, `${what} from ${url} within ${ms} ms`);
      controller.abort();
    }, ms);
  };
  let failure: { error: unknown } | undefined;
  try {
    arm(request.connectTimeoutMs, CLIENT_ERRORS.connectTimeout, 'no response');
    const response = await request.fetch(url, {
      headers: { Accept: EVENT_STREAM_TYPE, ...request.headers },
      signal: controller.signal,
    });
    if (!response.ok) return await errorFromResponse(response);
    const type = response.headers.get('content-type') ?? '';
    if (!type.startsWith(EVENT_STREAM_TYPE) || !response.body) {
      await response.body?.cancel();
      return new TickwireClientError(
        CLIENT_ERRORS.badResponse,
        `${url} answered ${type || 'no content type'}, not an event stream`,
        {
          status: response.status,
        },
      );
    }
    const heartbeat = () => arm(request.heartbeatTimeoutMs, CLIENT_ERRORS.heartbeatTimeout, 'nothing heard');
    heartbeat();
    const fail = (error: unknown) => {
      failure ??= { error };
      controller.abort();
    };
    const parser = createParser({
      maxBufferSize: MAX_EVENT_CHARS,
      onEvent: (message) => {
        if (failure) return;
        try {
          handlers.onEvent(message);
        } catch (error) {
          fail(error);
        }
      },
      // Unknown fields and odd retry hints are a newer server's business; an endless event is not.
      onError: (error) => {
        if (error.type === 'max-buffer-size-exceeded')
          fail(
            new TickwireClientError(
              CLIENT_ERRORS.badResponse,
              `${url} sent an event over ${MAX_EVENT_CHARS} characters`,
            ),
          );
      },
    });
    handlers.onOpen();
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        return new TickwireClientError(CLIENT_ERRORS.streamEnded, `${url} ended the stream`, {
          status: response.status,
        });
      }
      heartbeat();
      parser.feed(decoder.decode(value, { stream: true }));
    }
  } catch (error) {
    // A malformed event is the server's fault (reconnect); anything else a handler throws is a bug.
    if (failure) {
      if (failure.error instanceof TickwireClientError) return failure.error;
      throw failure.error;
    }
    if (signal.aborted) return undefined;
    return timedOut ?? networkError(error, url);
  } finally {
    clearTimeout(watchdog);
    signal.removeEventListener('abort', abort);
    controller.abort();
  }
}
