/**
 * `GET /v1/signals/stream?strategy=&symbol=[&lastEventId=]`: the owner's signals over SSE as the
 * active scanner stores them, on every replica (signal-stream/). Whatever can be refused is
 * refused before the stream opens, as a JSON error: the owner, the parameters, a Last-Event-ID
 * that is not a signal event's id or lies after the newest signal (no event ever had it), a
 * replica shutting down, a full replica.
 */
import { Router } from 'express';
import { compareStreamIds, parseStreamId } from '@tickwire/cluster';
import {
  capacityRetryAfterSeconds,
  readLastEventId,
  readRoute,
  SSE_HEADERS,
  type CorsPolicy,
} from '@tickwire/service';
import type { SignalLog } from '../signals/signal-log';
import type { ApiContext } from './api-context';
import { httpErrors } from './api-errors';
import { requireOwner } from './request-input';
import { readSignalFilters, SIGNAL_FILTER_PARAMS } from './signal-filters';

const SIGNAL_STREAM_PARAMS = [...SIGNAL_FILTER_PARAMS, 'lastEventId'] as const;

export function signalStreamRoute(ctx: ApiContext, cors: CorsPolicy): Router {
  const router = Router();
  readRoute(router, '/v1/signals/stream', { params: SIGNAL_STREAM_PARAMS, cors }, async (req, res) => {
    const owner = await requireOwner(req, ctx.catalog);
    const query = req.query as Record<string, unknown>;
    const filters = readSignalFilters(query, ctx.defaultExchange);
    const lastEventId = readLastEventId(req, query);
    if (lastEventId !== undefined) await checkResumable(lastEventId, ctx.signals);
    switch (ctx.signalStream.admission()) {
      case 'closed':
        throw httpErrors.shuttingDown();
      case 'full':
        throw httpErrors.tooManyStreams(capacityRetryAfterSeconds());
      case 'open':
        break;
    }
    res.writeHead(200, SSE_HEADERS);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    ctx.signalStream.open(res, { ownerId: owner.id, ...filters }, lastEventId);
  });
  return router;
}

/**
 * Any signal event's id is a place to resume from, held or not (ids only go up: an id older than
 * the retention resumes from the oldest signal kept, `0-0` from the start); one after the newest
 * signal was never sent, and resuming there would skip what comes until then.
 */
async function checkResumable(lastEventId: string, signals: Pick<SignalLog, 'newestId'>): Promise<void> {
  const position = parseStreamId(lastEventId);
  if (position === undefined)
    throw httpErrors.invalidLastEventId(
      `Last-Event-ID "${lastEventId.slice(0, 64)}" is not the id of a signal event (<ms>-<seq>, e.g. 1764660000000-0)`,
    );
  const newest = await signals.newestId();
  const newestPosition = newest === undefined ? undefined : parseStreamId(newest);
  if (newestPosition !== undefined && compareStreamIds(position, newestPosition) > 0)
    throw httpErrors.invalidLastEventId(
      `Last-Event-ID ${lastEventId} is after the newest signal (${newest}): no signal event had it; resume from an id you received`,
    );
}
