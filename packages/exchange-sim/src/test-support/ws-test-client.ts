/**
 * Test helpers for the simulator's integration tests: a WebSocket client that queues frames and
 * awaits them with a bound, and tiny HTTP helpers. Every wait has a timeout so a broken
 * simulator fails a test instead of hanging the suite.
 */
import WebSocket from 'ws';

/** Rejects when `promise` does not settle within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${label}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls until `condition` holds; rejects after `timeoutMs`. (The testkit's waitFor is out of
 * reach here: the testkit depends on this package.)
 */
export async function until(condition: () => boolean, label: string, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`);
    await sleep(5);
  }
}

/**
 * Parsed JSON as tests use it: the shapes under test are asserted field by field, so a typed
 * model would only restate the assertions.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

function parseJson(text: string): Json {
  return JSON.parse(text);
}

export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

interface Waiter {
  readonly predicate: (text: string) => boolean;
  readonly resolve: (text: string) => void;
}

/** A ws client that records every text frame and ping, in order. */
export class TestClient {
  /** Every text frame received, in order. */
  readonly frames: string[] = [];
  /** Payloads of the ping frames received. */
  readonly pings: string[] = [];
  readonly closed: Promise<CloseInfo>;
  private queue: string[] = [];
  private waiters: Waiter[] = [];

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    ws.on('message', (data: Buffer) => this.push(data.toString('utf8')));
    ws.on('ping', (data: Buffer) => this.pings.push(data.toString('utf8')));
    ws.on('error', () => undefined);
  }

  /** Opens a connection; rejects on a failed handshake (message names the HTTP status if any). */
  static connect(url: string, options: { autoPong?: boolean } = {}, timeoutMs = 3_000): Promise<TestClient> {
    const ws = new WebSocket(url, { autoPong: options.autoPong ?? true });
    const client = new TestClient(ws);
    const opened = new Promise<TestClient>((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => {
        reject(new Error(`handshake status ${res.statusCode ?? 'unknown'}`));
        ws.terminate();
      });
      ws.once('error', (error) => reject(error));
    });
    return withTimeout(opened, timeoutMs, `connect ${url}`);
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(message: string | object): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next not-yet-consumed frame matching `predicate` (earlier non-matching frames are skipped). */
  next(predicate: (text: string) => boolean = () => true, timeoutMs = 3_000): Promise<string> {
    const index = this.queue.findIndex(predicate);
    if (index !== -1) {
      const text = this.queue[index] ?? '';
      this.queue = this.queue.slice(index + 1);
      return Promise.resolve(text);
    }
    this.queue = [];
    const found = new Promise<string>((resolve) => this.waiters.push({ predicate, resolve }));
    return withTimeout(found, timeoutMs, 'a matching frame');
  }

  /** Like next(), parsed as JSON. */
  async nextJson(predicate: (value: Json) => boolean = () => true, timeoutMs = 3_000): Promise<Json> {
    const text = await this.next((t) => {
      try {
        return predicate(parseJson(t));
      } catch {
        return false;
      }
    }, timeoutMs);
    return parseJson(text);
  }

  /**
   * Waits until every frame the simulator sent before this call has arrived: one connection
   * delivers in order, so the answer to a request sent now comes after all of them (Binance
   * protocol only; the request counts as a control frame).
   */
  async settle(id = 999_999, timeoutMs = 3_000): Promise<void> {
    this.send({ method: 'LIST_SUBSCRIPTIONS', id });
    await this.next((text) => text.includes(`"id":${id}`) && text.includes('"result"'), timeoutMs);
  }

  /** Forgets frames received so far, so next() waits for a new one. */
  drain(): void {
    this.queue = [];
  }

  /** Frames received from now on for `ms`. */
  async collect(ms: number): Promise<string[]> {
    const start = this.frames.length;
    await sleep(ms);
    return this.frames.slice(start);
  }

  /**
   * Frames received from now on, for at least `minMs` and until `done` holds of them. A fixed
   * window is not enough where frames must arrive: after a stalled process, the window's timer
   * can run before the socket delivers frames the simulator already sent.
   */
  async collectUntil(
    done: (frames: string[]) => boolean,
    label: string,
    minMs = 0,
    timeoutMs = 3_000,
  ): Promise<string[]> {
    const start = this.frames.length;
    const since = Date.now();
    const collected = (): string[] => this.frames.slice(start);
    await until(() => Date.now() - since >= minMs && done(collected()), label, timeoutMs + minMs);
    return collected();
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.terminate();
  }

  private push(text: string): void {
    this.frames.push(text);
    const index = this.waiters.findIndex((w) => w.predicate(text));
    const waiter = this.waiters[index];
    if (waiter) {
      this.waiters.splice(index, 1);
      waiter.resolve(text);
      return;
    }
    this.queue.push(text);
  }
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  json(): Json;
}

async function request(method: string, url: string): Promise<HttpAnswer> {
  const res = await withTimeout(fetch(url, { method }), 3_000, `${method} ${url}`);
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: (): Json => parseJson(text) };
}

export const httpGet = (url: string): Promise<HttpAnswer> => request('GET', url);
export const httpPost = (url: string): Promise<HttpAnswer> => request('POST', url);
