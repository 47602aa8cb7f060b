/**
 * A Discord-compatible webhook server for tests, on 127.0.0.1 and a free port. It behaves as
 * Discord documents execute-webhook (https://discord.com/developers/docs/resources/webhook and
 * .../topics/rate-limits), independently of the scanner's own code, so a test checks the
 * scanner against Discord's rules rather than against itself:
 *
 * - one rate-limit bucket per webhook (5 requests per 2 s by default), opened by its first
 *   request; `X-RateLimit-Limit`, `-Remaining`, `-Reset`, `-Reset-After` and `-Bucket` on every
 *   answer; a 429 with `{message, retry_after, global}`, `Retry-After` and `X-RateLimit-Scope`;
 * - an optional global limit over all webhooks (429 with `global: true`, `X-RateLimit-Global`);
 * - 404 `{"message": "Unknown Webhook", "code": 10015}` for a deleted or unknown webhook, 401
 *   `Invalid Webhook Token` for a wrong token;
 * - 400 for a message Discord refuses (empty, content over 2000, more than 10 embeds, embed
 *   text over 6000 in all, a title over 256...), 204 for an accepted one;
 * - faults per webhook: `reset` (the connection is cut) and `error` (HTTP 500).
 *
 * Every request is logged with its status; accepted messages are kept per webhook.
 * `caughtUp()` waits until the requests already sent to the server were read: a message in
 * flight is not yet among `messages()`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface DiscordWebhookServerOptions {
  /** Requests per webhook bucket window. Default 5. */
  bucketLimit?: number;
  /** The bucket window (ms). Default 2000. */
  bucketWindowMs?: number;
  /** Requests over all webhooks per window; absent: no global limit. */
  globalLimit?: { requests: number; windowMs: number };
}

export interface TestWebhook {
  id: string;
  token: string;
  url: string;
}

export interface WebhookRequestRecord {
  webhookId: string;
  status: number;
  /** When the server answered (ms since the epoch). */
  at: number;
}

export type WebhookFault = 'reset' | 'error';

export interface DiscordWebhookServer {
  /** `http://127.0.0.1:<port>`: the origin to allow in the scanner's webhook host list. */
  origin: string;
  createWebhook(): TestWebhook;
  deleteWebhook(id: string): void;
  /** Makes every request to the webhook fail this way; undefined clears it. */
  setFault(id: string, fault: WebhookFault | undefined): void;
  /** Messages the webhook accepted, in order (parsed JSON bodies). */
  messages(id: string): DiscordMessageBody[];
  /** Every request to the webhook that got an answer (or a cut connection: status 0). */
  requests(id: string): WebhookRequestRecord[];
  /**
   * Resolves once every request whose bytes reached the server before the call was read and
   * handled: the server shares the caller's event loop, which may not have read them yet.
   */
  caughtUp(): Promise<void>;
  close(): Promise<void>;
}

export interface DiscordMessageBody {
  content?: string;
  embeds?: {
    title?: string;
    description?: string;
    fields?: { name: string; value: string }[];
    footer?: { text: string };
    author?: { name: string };
  }[];
  username?: string;
  allowed_mentions?: unknown;
}

const WEBHOOK_PATH_RE = /^\/api(?:\/v\d+)?\/webhooks\/(\d+)\/([A-Za-z0-9_-]+)$/u;
/** The probe of `caughtUp()`; no webhook path looks like it. */
const CAUGHT_UP_PATH = '/caught-up';
const MAX_BODY_BYTES = 1024 * 1024;

interface WebhookState {
  token: string;
  deleted: boolean;
  fault: WebhookFault | undefined;
  bucket: { remaining: number; resetAt: number };
  bucketHash: string;
  messages: DiscordMessageBody[];
  requests: WebhookRequestRecord[];
}

export async function startDiscordWebhookServer(
  options: DiscordWebhookServerOptions = {},
): Promise<DiscordWebhookServer> {
  const bucketLimit = options.bucketLimit ?? 5;
  const bucketWindowMs = options.bucketWindowMs ?? 2_000;
  const webhooks = new Map<string, WebhookState>();
  const global = { used: 0, resetAt: 0 };
  const sockets = new Set<Socket>();
  let nextId = BigInt(Date.now()) * 4_194_304n;

  const server = createServer((request, response) => {
    readBody(request)
      .then((body) => handle(request, response, body))
      .catch(() => response.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function handle(request: IncomingMessage, response: ServerResponse, body: string): void {
    const path = new URL(request.url ?? '/', origin).pathname;
    if (path === CAUGHT_UP_PATH) {
      response.writeHead(204).end();
      return;
    }
    const match = WEBHOOK_PATH_RE.exec(path);
    const state = match === null ? undefined : webhooks.get(match[1]!);
    if (match === null || request.method !== 'POST')
      return json(response, 404, { message: '404: Not Found', code: 0 });
    const webhookId = match[1]!;
    const record = (status: number) => state?.requests.push({ webhookId, status, at: Date.now() });
    if (state === undefined || state.deleted) {
      record(404);
      return json(response, 404, { message: 'Unknown Webhook', code: 10015 });
    }
    if (state.token !== match[2]) {
      record(401);
      return json(response, 401, { message: 'Invalid Webhook Token', code: 50027 });
    }
    if (state.fault === 'reset') {
      record(0);
      response.socket?.destroy();
      return;
    }
    const now = Date.now();
    if (options.globalLimit !== undefined) {
      if (now >= global.resetAt)
        Object.assign(global, { used: 0, resetAt: now + options.globalLimit.windowMs });
      if (global.used >= options.globalLimit.requests) {
        record(429);
        const retryAfter = seconds(global.resetAt - now);
        response.setHeader('x-ratelimit-global', 'true');
        response.setHeader('x-ratelimit-scope', 'global');
        response.setHeader('retry-after', String(Math.ceil(retryAfter)));
        return json(response, 429, {
          message: 'You are being rate limited.',
          retry_after: retryAfter,
          global: true,
        });
      }
      global.used += 1;
    }
    const bucket = state.bucket;
    if (now >= bucket.resetAt)
      Object.assign(bucket, { remaining: bucketLimit, resetAt: now + bucketWindowMs });
    const limited = bucket.remaining <= 0;
    if (!limited) bucket.remaining -= 1;
    response.setHeader('x-ratelimit-limit', String(bucketLimit));
    response.setHeader('x-ratelimit-remaining', String(bucket.remaining));
    response.setHeader('x-ratelimit-reset', (bucket.resetAt / 1_000).toFixed(3));
    response.setHeader('x-ratelimit-reset-after', seconds(bucket.resetAt - now).toFixed(3));
    response.setHeader('x-ratelimit-bucket', state.bucketHash);
    if (limited) {
      record(429);
      const retryAfter = seconds(bucket.resetAt - now);
      response.setHeader('x-ratelimit-scope', 'user');
      response.setHeader('retry-after', String(Math.ceil(retryAfter)));
      return json(response, 429, {
        message: 'You are being rate limited.',
        retry_after: retryAfter,
        global: false,
      });
    }
    if (state.fault === 'error') {
      record(500);
      return json(response, 500, { message: '500: Internal Server Error', code: 0 });
    }
    let message: DiscordMessageBody;
    try {
      message = JSON.parse(body) as DiscordMessageBody;
    } catch {
      record(400);
      return json(response, 400, { message: 'Cannot send an empty message', code: 50006 });
    }
    const problem = messageProblem(message);
    if (problem !== undefined) {
      record(400);
      return json(response, 400, problem);
    }
    state.messages.push(message);
    record(204);
    response.writeHead(204).end();
  }

  return {
    origin,
    createWebhook() {
      nextId += 1n;
      const id = String(nextId);
      const token = randomBytes(51).toString('base64url');
      webhooks.set(id, {
        token,
        deleted: false,
        fault: undefined,
        bucket: { remaining: bucketLimit, resetAt: 0 },
        bucketHash: randomBytes(16).toString('hex'),
        messages: [],
        requests: [],
      });
      return { id, token, url: `${origin}/api/webhooks/${id}/${token}` };
    },
    deleteWebhook(id) {
      const state = webhooks.get(id);
      if (state !== undefined) state.deleted = true;
    },
    setFault(id, fault) {
      const state = webhooks.get(id);
      if (state !== undefined) state.fault = fault;
    },
    messages: (id) => [...(webhooks.get(id)?.messages ?? [])],
    requests: (id) => [...(webhooks.get(id)?.requests ?? [])],
    caughtUp: () =>
      new Promise<void>((resolve, reject) => {
        // A probe over a new connection: it is accepted after every connection already waiting,
        // and every connection with bytes to read is read in the same turn of the event loop as
        // it or before, so its answer comes back after the requests sent before it were handled.
        const probe = httpRequest(`${origin}${CAUGHT_UP_PATH}`, { agent: false }, (response) => {
          response.resume().on('end', resolve).on('error', reject);
        });
        probe.on('error', reject).end();
      }),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Discord's limits on one message (execute-webhook and the embed limits). */
const LIMITS = {
  content: 2_000,
  embeds: 10,
  embedText: 6_000,
  title: 256,
  description: 4_096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1_024,
  footer: 2_048,
  authorName: 256,
  username: 80,
};

/** Discord's 400 body for the first limit the message breaks, or undefined when it is fine. */
function messageProblem(message: DiscordMessageBody): object | undefined {
  const invalid = (field: string, text: string) => ({
    message: 'Invalid Form Body',
    code: 50035,
    errors: { [field]: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: text }] } },
  });
  const content = message.content ?? '';
  const embeds = message.embeds ?? [];
  if (content === '' && embeds.length === 0) return { message: 'Cannot send an empty message', code: 50006 };
  if ([...content].length > LIMITS.content)
    return invalid('content', `Must be ${LIMITS.content} or fewer in length.`);
  if ((message.username ?? '').length > LIMITS.username)
    return invalid('username', 'Must be 80 or fewer in length.');
  if (embeds.length > LIMITS.embeds) return invalid('embeds', `Must be ${LIMITS.embeds} or fewer in length.`);
  let total = 0;
  for (const [i, embed] of embeds.entries()) {
    const checks: [string, string | undefined, number][] = [
      ['title', embed.title, LIMITS.title],
      ['description', embed.description, LIMITS.description],
      ['footer.text', embed.footer?.text, LIMITS.footer],
      ['author.name', embed.author?.name, LIMITS.authorName],
    ];
    const fields = embed.fields ?? [];
    if (fields.length > LIMITS.fields)
      return invalid(`embeds.${i}.fields`, `Must be ${LIMITS.fields} or fewer in length.`);
    for (const [j, field] of fields.entries()) {
      if (field.value === '' || field.name === '')
        return invalid(`embeds.${i}.fields.${j}`, 'This field is required');
      checks.push(
        [`fields.${j}.name`, field.name, LIMITS.fieldName],
        [`fields.${j}.value`, field.value, LIMITS.fieldValue],
      );
    }
    for (const [name, text, max] of checks) {
      const length = [...(text ?? '')].length;
      if (length > max) return invalid(`embeds.${i}.${name}`, `Must be ${max} or fewer in length.`);
      total += length;
    }
  }
  if (total > LIMITS.embedText)
    return invalid('embeds', `Embed size exceeds maximum size of ${LIMITS.embedText}`);
  return undefined;
}

function seconds(ms: number): number {
  return Math.max(0, Math.ceil(ms)) / 1_000;
}

function json(response: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  response
    .writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
    .end(text);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_BODY_BYTES) request.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
