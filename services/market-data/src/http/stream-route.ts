/**
 * `GET /v1/stream?symbols=A,B[&throttle=ms]`: Server-Sent Events, served before express (see
 * app.ts) so an idle stream holds node's request and response and nothing more. The stream opens
 * with a jittered `retry:` hint, then either the events after the client's Last-Event-ID (when the
 * stream still holds it) and a `status`, or a `snapshot` and a `status` (saying it was not
 * recovered, when the client asked), then live `tick`s and comment heartbeats. Every event but a
 * stream's last words carries the id of its stream position (event-id.ts in the cluster package),
 * so a client resumes exactly from whichever it received last. Snapshots are joined from the
 * pre-encoded prices, so a storm of reconnecting clients costs no JSON encoding and no engine
 * round trip; replays (one engine round trip each) are limited in number, beyond which clients
 * get a snapshot. With stream tokens (StreamAccess), a stream opens only with a valid token, within
 * the symbols and the quota it carries, and ends when its key is revoked.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReplayResult } from '@tickwire/cluster';
import type { CandleInterval } from '@tickwire/core';
import {
  capacityRetryAfterSeconds,
  encodeEvent,
  encodeRetry,
  eventText,
  readLastEventId,
  SSE_HEADERS,
  SseFrame,
  STREAM_ENDINGS,
  STREAM_REFUSALS,
  type StreamTokenClaims,
} from '@tickwire/service';
import type { StreamLease } from '@tickwire/cluster';
import type { SseClient } from '../hub/sse-client';
import type { ApiContext } from './api-context';
import { ReplayGate } from './replay-gate';
import { httpErrors } from './errors';
import type { PriceCache } from './price-cache';
import { parseCandleIntervalsParam, parseIntegerParam, parseSymbolsParam, singleParam } from './query';
import type { RouteMeter } from './request-metrics';

/** The query parameters the stream takes (any other is refused). */
export const STREAM_PARAMS: readonly string[] = ['symbols', 'throttle', 'candles', 'lastEventId', 'token'];
const MAX_THROTTLE_MS = 60_000;
/**
 * Replays in flight at once (each is an engine round trip); past it resuming clients wait in
 * line, at most MAX_QUEUED_REPLAYS of them for at most MAX_REPLAY_WAIT_MS, and only then get a
 * snapshot from the latest table and `recovered: false` (replay-gate.ts).
 */
export const MAX_CONCURRENT_REPLAYS = 64;
export const MAX_QUEUED_REPLAYS = 10_000;
export const MAX_REPLAY_WAIT_MS = 5_000;

export interface StreamRoute {
  /**
   * Serves one request; throws (or, once it waits for Redis to admit a token, rejects with) an
   * HttpError before the stream opens.
   */
  (req: IncomingMessage, res: ServerResponse, query: Record<string, unknown>): void | Promise<void>;
}

/** A stream opened with a token: its claims and the slot it holds (none while Redis is away). */
interface Grant {
  claims: StreamTokenClaims;
  lease: StreamLease | undefined;
}

export function streamRoute(
  ctx: Pick<
    ApiContext,
    'hub' | 'distribution' | 'limits' | 'logger' | 'metrics' | 'symbols' | 'pod' | 'candles' | 'streamAccess'
  >,
  prices: PriceCache,
  meter: RouteMeter,
): StreamRoute {
  const replays = new ReplayGate({
    maxInFlight: MAX_CONCURRENT_REPLAYS,
    maxQueued: MAX_QUEUED_REPLAYS,
    maxWaitMs: MAX_REPLAY_WAIT_MS,
  });

  /**
   * Writes the snapshot and a status, both with the id of the stream position the snapshot is
   * exact as of, so a client that got no tick yet still resumes exactly; returns that id.
   */
  const writeSnapshot = (client: SseClient, status: object): string | undefined => {
    const id = ctx.hub.position();
    const data = `{"tickers":${prices.jsonArray(client.symbols)}}`;
    client.writeNow(SseFrame.fromText(eventText('snapshot', data, id)));
    client.writeNow(encodeEvent('status', status, id));
    return id;
  };

  const resume = async (client: SseClient, lastEventId: string): Promise<void> => {
    client.pause();
    let replay: ReplayResult = { recovered: false };
    if (await replays.acquire()) {
      try {
        // A client that left while it waited in line costs no round trip.
        if (!client.isClosed) replay = await ctx.distribution.replaySince(lastEventId);
      } catch (error) {
        ctx.logger.warn({ err: (error as Error).message }, 'replay failed; sending a snapshot instead');
      } finally {
        replays.release();
      }
      ctx.metrics.sseResumes.inc({ result: replay.recovered ? 'replayed' : 'not-recovered' });
    } else {
      ctx.metrics.sseResumes.inc({ result: 'shed' });
    }
    if (client.isClosed) return;
    if (replay.recovered) {
      const frame = ctx.hub.replayFrame(replay.batches, client);
      if (frame) client.writeNow(frame);
      // The status marks where the replay ended; what arrived live meanwhile follows it.
      const upTo = replay.batches.at(-1)?.id ?? lastEventId;
      client.writeNow(encodeEvent('status', ctx.pod.streamStatus(), upTo));
      client.resume(upTo);
      return;
    }
    client.resume(writeSnapshot(client, { ...ctx.pod.streamStatus(), recovered: false }));
  };

  /** Writes the preamble (retry hint, then a replay or a snapshot, then a status). */
  const open = (
    client: SseClient,
    lastEventId: string | undefined,
    candleIntervals: ReadonlySet<CandleInterval>,
  ): void => {
    client.writer.onceClosed(() => ctx.hub.remove(client));
    // Symbols nobody streamed before get subscribed upstream; their ticks follow the snapshot.
    ctx.symbols.want(client.symbols);
    if (candleIntervals.size > 0) {
      const series = [...client.symbols].flatMap((symbol) =>
        [...candleIntervals].map((interval) => ({ symbol, interval })),
      );
      ctx.candles.want(series).catch((error: unknown) => {
        ctx.logger.warn({ err: (error as Error).message }, 'cannot check candle history for a stream');
      });
    }
    client.writeNow(encodeRetry(ctx.limits.sseRetryMs));
    if (lastEventId !== undefined) {
      resume(client, lastEventId).catch((error: unknown) => {
        ctx.logger.error({ err: error }, 'resuming a stream failed');
        client.writer.destroy();
      });
      return;
    }
    writeSnapshot(client, ctx.pod.streamStatus());
  };

  /** The symbols asked for (a token's own when the request names none), within what the token allows. */
  const streamSymbols = (rawSymbols: string | undefined, allowed: readonly string[] | undefined) => {
    const raw = rawSymbols ?? allowed?.join(',');
    const symbols = new Set(
      raw === undefined
        ? ctx.symbols.configured
        : parseSymbolsParam(raw, { max: ctx.limits.maxSymbolsPerRequest, resolver: ctx.symbols }),
    );
    if (allowed === undefined) return symbols;
    const permitted = new Set(allowed.map((symbol) => ctx.symbols.canonical(symbol)));
    const refused = [...symbols].filter((symbol) => !permitted.has(symbol));
    if (refused.length > 0) {
      ctx.metrics.sseRejected.inc({ reason: STREAM_REFUSALS.symbolNotAllowed });
      throw httpErrors.symbolsNotAllowed(refused);
    }
    return symbols;
  };

  return (req, res, query) => {
    const startedAt = process.hrtime.bigint();
    if (ctx.pod.isShuttingDown()) throw httpErrors.shuttingDown();
    const access = ctx.streamAccess;
    const claims = access?.claims(req, query);
    const symbols = streamSymbols(singleParam(query, 'symbols'), claims?.sym);
    const throttleMs = parseIntegerParam(singleParam(query, 'throttle'), 'throttle', {
      min: 0,
      max: MAX_THROTTLE_MS,
      fallback: 0,
    });
    const candleIntervals = parseCandleIntervalsParam(singleParam(query, 'candles'));
    // Whatever it holds goes to the engine, which refuses what it did not issue without a round
    // trip: a malformed id gets a snapshot and `recovered: false`, like an id the stream no longer holds.
    const lastEventId = readLastEventId(req, query);
    if (ctx.hub.clientCount() >= ctx.limits.maxSseClients) {
      ctx.metrics.sseRejected.inc({ reason: STREAM_REFUSALS.capacity });
      throw httpErrors.tooManyStreams(capacityRetryAfterSeconds());
    }
    const request = { symbols, throttleMs, candleIntervals, lastEventId };
    if (access === undefined || claims === undefined) {
      serve(req, res, request, startedAt, undefined);
      return;
    }
    return access.admit(claims).then((lease) => {
      // The client left (or the pod began to stop) while Redis answered: its slot is not kept.
      if (req.socket.destroyed || ctx.pod.isShuttingDown()) {
        void lease?.release().catch(() => undefined);
        if (!req.socket.destroyed) throw httpErrors.shuttingDown();
        return;
      }
      serve(req, res, request, startedAt, { claims, lease });
    });
  };

  function serve(
    req: IncomingMessage,
    res: ServerResponse,
    request: {
      symbols: ReadonlySet<string>;
      throttleMs: number;
      candleIntervals: ReadonlySet<CandleInterval>;
      lastEventId: string | undefined;
    },
    startedAt: bigint,
    grant: Grant | undefined,
  ): void {
    const { symbols, throttleMs, candleIntervals, lastEventId } = request;
    res.writeHead(200, SSE_HEADERS);
    if (req.method === 'HEAD') {
      void grant?.lease?.release().catch(() => undefined);
      res.end();
      meter.record(200, startedAt);
      return;
    }
    const socket = req.socket;
    socket.setNoDelay(true);
    // The head and the preamble leave in one write (a connect storm is thousands of these a second).
    socket.cork();
    let client: SseClient | undefined;
    try {
      // From here the stream's writer owns the connection (node may free `res`, see SseWriter).
      client = ctx.hub.subscribe(res, { symbols, throttleMs, candleIntervals });
      if (grant !== undefined) {
        const opened = client;
        const release = ctx.streamAccess!.hold(
          grant.claims,
          { end: () => ctx.hub.end(opened, STREAM_ENDINGS.keyRevoked) },
          grant.lease,
        );
        opened.writer.onceClosed(release);
      }
      open(client, lastEventId, candleIntervals);
      // A stream is counted when it opens; its duration is the time it took to open.
      meter.record(200, startedAt);
    } catch (error) {
      if (client === undefined) void grant?.lease?.release().catch(() => undefined);
      client?.writer.destroy();
      throw error;
    } finally {
      socket.uncork();
    }
  }
}
