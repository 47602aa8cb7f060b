/**
 * A small SSE client for tests, over a raw HTTP request so tests see exactly what went over
 * the wire (ids, event names, comments, retry hints) and can drop the connection at will.
 */
import { request, type IncomingMessage } from 'node:http';
import { waitFor } from './wait-for';

export interface SseEvent {
  id: string | undefined;
  event: string;
  data: string;
  receivedAt: number;
}

export interface SseConnection {
  status: number;
  headers: IncomingMessage['headers'];
  events: SseEvent[];
  comments: number;
  retry: number | undefined;
  /** The last id seen, as a browser would send it in Last-Event-ID. */
  lastEventId: string | undefined;
  closed: boolean;
  waitForEvents(predicate: (events: SseEvent[]) => boolean, timeoutMs: number): Promise<SseEvent[]>;
  close(): void;
}

export function openSse(
  url: string,
  headers: Record<string, string> = {},
  timeoutMs = 5_000,
): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { Accept: 'text/event-stream', ...headers } });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no SSE response from ${url} within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.on('response', (res) => {
      clearTimeout(timer);
      const connection: SseConnection = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        events: [],
        comments: 0,
        retry: undefined,
        lastEventId: undefined,
        closed: false,
        waitForEvents: (predicate, waitMs) =>
          waitFor(() => (predicate(connection.events) ? connection.events : undefined), {
            timeoutMs: waitMs,
            what: `SSE events from ${url}`,
          }),
        close: () => {
          connection.closed = true;
          req.destroy();
        },
      };
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          parseBlock(buffer.slice(0, end), connection);
          buffer = buffer.slice(end + 2);
        }
      });
      res.on('close', () => (connection.closed = true));
      res.on('error', () => (connection.closed = true));
      resolve(connection);
    });
    req.end();
  });
}

function parseBlock(block: string, connection: SseConnection): void {
  let id: string | undefined;
  let event = 'message';
  const data: string[] = [];
  let hasField = false;
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) {
      connection.comments += 1;
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') {
      id = value;
      hasField = true;
    } else if (field === 'event') {
      event = value;
      hasField = true;
    } else if (field === 'data') {
      data.push(value);
      hasField = true;
    } else if (field === 'retry') connection.retry = Number(value);
  }
  if (id !== undefined) connection.lastEventId = id;
  if (hasField && data.length > 0)
    connection.events.push({ id, event, data: data.join('\n'), receivedAt: Date.now() });
}
