/**
 * `GET /v1/stream?symbols=A,B[&throttle=ms]`: Server-Sent Events. The stream opens with a
 * jittered `retry:` hint, then either the events the client missed (when its Last-Event-ID is
 * still in the stream) or a `snapshot` (with a `status` saying it was not recovered), then a
 * `status`, then live `tick`s and comment heartbeats.
 */
import type { Request, RequestHandler } from 'express';
import type { Ticker } from '@tickwire/core';
import type { ReplayResult } from '@tickwire/cluster';
import type { SseClient } from '../hub/sse-client';
import { encodeEvent, encodeRetry } from '../hub/sse-encoding';
import type { ApiContext } from './api-context';
import { httpErrors } from './errors';
import { parseIntegerParam, parseSymbolsParam, singleParam } from './query';

const MAX_THROTTLE_MS = 60_000;
/** A refused client is told to come back after 1 to 5 s, spread so they do not return together. */
const CAPACITY_RETRY_MIN_SECONDS = 1;
const CAPACITY_RETRY_SPREAD_SECONDS = 4;
/** Last-Event-ID longer than this is not an id we issued. */
const MAX_LAST_EVENT_ID_LENGTH = 64;

export const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  // no-transform stops compressing proxies from buffering the stream.
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  // nginx (and proxies that copy it) would otherwise buffer the response.
  'X-Accel-Buffering': 'no',
};

export function streamRoute(ctx: ApiContext): RequestHandler {
  return async (req, res) => {
    if (ctx.isShuttingDown()) throw httpErrors.shuttingDown();
    const query = req.query as Record<string, unknown>;
    const rawSymbols = singleParam(query, 'symbols');
    const symbols = new Set(
      rawSymbols === undefined
        ? ctx.symbols
        : parseSymbolsParam(rawSymbols, {
            max: ctx.limits.maxSymbolsPerRequest,
            isKnown: (s) => ctx.isKnownSymbol(s),
          }),
    );
    const throttleMs = parseIntegerParam(singleParam(query, 'throttle'), 'throttle', {
      min: 0,
      max: MAX_THROTTLE_MS,
      fallback: 0,
    });
    const lastEventId = readLastEventId(req);
    if (ctx.hub.clientCount() >= ctx.limits.maxSseClients) {
      ctx.metrics.sseRejected.inc({ reason: 'capacity' });
      throw httpErrors.tooManyStreams(
        CAPACITY_RETRY_MIN_SECONDS + Math.floor(Math.random() * (CAPACITY_RETRY_SPREAD_SECONDS + 1)),
      );
    }

    res.writeHead(200, SSE_HEADERS);
    req.socket.setNoDelay(true);
    const client = ctx.hub.subscribe(res, { symbols, throttleMs });
    res.on('close', () => ctx.hub.remove(client));
    client.writeNow(encodeRetry(ctx.limits.sseRetryMs));

    if (lastEventId === undefined) {
      writeSnapshot(ctx, client, symbols);
    } else {
      client.pause();
      const replay = await replaySafely(ctx, lastEventId);
      if (res.destroyed) return;
      if (replay.recovered) {
        for (const batch of replay.batches) {
          for (const bytes of ctx.hub.encodeReplay(batch, symbols)) client.writeNow(bytes);
        }
        client.resume(replay.batches.at(-1)?.id ?? lastEventId);
      } else {
        const upTo = writeSnapshot(ctx, client, symbols);
        client.writeNow(encodeEvent('status', { ...ctx.streamStatus(), recovered: false }));
        client.resume(upTo);
        return;
      }
    }
    client.writeNow(encodeEvent('status', ctx.streamStatus()));
  };
}

/** Writes the snapshot; returns the batch id it reflects (later events are newer). */
function writeSnapshot(ctx: ApiContext, client: SseClient, symbols: ReadonlySet<string>): string | undefined {
  const decorate = (ticker: Ticker) => ({ ...ticker, stale: ctx.isStale(ticker) });
  client.writeNow(ctx.hub.snapshotEvent(symbols, decorate));
  return ctx.hub.lastBatchInfo()?.id;
}

async function replaySafely(ctx: ApiContext, lastEventId: string): Promise<ReplayResult> {
  try {
    return await ctx.distribution.replaySince(lastEventId);
  } catch (error) {
    ctx.logger.warn({ err: (error as Error).message }, 'replay failed; sending a snapshot instead');
    return { recovered: false };
  }
}

/** Browsers send the Last-Event-ID header; polyfills that cannot set headers use `?lastEventId=`. */
function readLastEventId(req: Request): string | undefined {
  const header = req.get('last-event-id');
  const value = header ?? singleParam(req.query, 'lastEventId');
  if (value === undefined || value === '' || value.length > MAX_LAST_EVENT_ID_LENGTH) return undefined;
  return value;
}
