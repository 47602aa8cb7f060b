/**
 * The simulator's own HTTP endpoints under /_sim/, so tests in other processes (and humans with
 * curl) can inject faults and read counters:
 *   GET  /_sim/stats                                  counters as JSON
 *   POST /_sim/drop[?code=]                           drop every WS connection
 *   POST /_sim/stall?ms=        POST /_sim/resume     silence the feed (ms 0 = until resume)
 *   POST /_sim/malformed?count=                       send malformed frames
 *   POST /_sim/refuse?on=1|0                          refuse WS connections
 *   POST /_sim/rest-fault?status=&count=&retryAfter=  fail the next REST requests
 *   POST /_sim/reset                                  clear all faults
 *   POST /_sim/rate?tradesPerSecond=                  change the trade rate (per symbol)
 *   GET  /_sim/subscriptions                          streams subscribed now, with connection counts
 * Shared by every simulator (Binance, Finnhub, Coinbase); a simulator adds its own endpoints
 * (Binance: POST /_sim/silence) through `extensions`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimFaults } from './fault-controls';
import { REST_FAULT_STATUSES, type RestFaultStatus } from './fault-state';
import { sendJson, sendSimError } from './http-responses';
import { MAX_TIMER_MS, MAX_TRADES_PER_SECOND } from './options';

/** What the /_sim/ endpoints drive: the part of a simulator handle every exchange has. */
export interface SimControlTarget {
  stats(): unknown;
  subscriptions(): unknown;
  readonly faults: SimFaults;
  setTradesPerSecond(tradesPerSecond: number): void;
}

/** A simulator's own endpoints: POST actions (throw SimBadParamError or RangeError for a 400) and GET reads. */
export interface SimHttpExtensions {
  readonly post?: Readonly<Record<string, (url: URL) => void>>;
  readonly get?: Readonly<Record<string, () => unknown>>;
}

/** Most malformed frames one request may ask for. */
export const MAX_MALFORMED_PER_REQUEST = 10_000;
/** Most REST requests one fault may cover. */
export const MAX_REST_FAULT_COUNT = 1_000_000;

/** Error codes of /_sim/ answers. */
export const SimHttpErrorCode = {
  BAD_PARAM: 'SIM_BAD_PARAM',
  NOT_FOUND: 'SIM_NOT_FOUND',
  METHOD_NOT_ALLOWED: 'SIM_METHOD_NOT_ALLOWED',
} as const;

/** A bad query parameter of a /_sim/ request; answered with 400 and the message. */
export class SimBadParamError extends Error {}

function intParam(url: URL, name: string, min: number, max: number, fallback?: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') {
    if (fallback !== undefined) return fallback;
    throw new SimBadParamError(`query parameter '${name}' is required (an integer in [${min}, ${max}])`);
  }
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new SimBadParamError(
      `query parameter '${name}' must be an integer in [${min}, ${max}], got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

function numberParam(url: URL, name: string, min: number, max: number): number {
  const raw = url.searchParams.get(name) ?? '';
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || value < min || value > max) {
    throw new SimBadParamError(
      `query parameter '${name}' must be a number in [${min}, ${max}], got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

/** A required, non-empty query parameter. */
export function stringParam(url: URL, name: string): string {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') throw new SimBadParamError(`query parameter '${name}' is required`);
  return raw;
}

export function boolParam(url: URL, name: string): boolean {
  const raw = url.searchParams.get(name);
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  throw new SimBadParamError(
    `query parameter '${name}' must be 1, 0, true or false, got ${JSON.stringify(raw)}`,
  );
}

type Action = (sim: SimControlTarget, url: URL) => void;

const POST_ACTIONS: Readonly<Record<string, Action>> = {
  '/_sim/drop': (sim, url) => {
    const code = url.searchParams.has('code') ? intParam(url, 'code', 1000, 4999) : undefined;
    sim.faults.dropAll(code);
  },
  '/_sim/stall': (sim, url) => sim.faults.stall(intParam(url, 'ms', 0, MAX_TIMER_MS, 0)),
  '/_sim/resume': (sim) => sim.faults.resume(),
  '/_sim/malformed': (sim, url) =>
    sim.faults.sendMalformed(intParam(url, 'count', 1, MAX_MALFORMED_PER_REQUEST, 1)),
  '/_sim/refuse': (sim, url) => sim.faults.refuseConnections(boolParam(url, 'on')),
  '/_sim/rest-fault': (sim, url) => {
    const status = intParam(url, 'status', 0, 999);
    if (!(REST_FAULT_STATUSES as readonly number[]).includes(status)) {
      throw new SimBadParamError(
        `query parameter 'status' must be one of ${REST_FAULT_STATUSES.join(', ')}, got ${status}`,
      );
    }
    const count = intParam(url, 'count', 0, MAX_REST_FAULT_COUNT, 1);
    const retryAfterSec = url.searchParams.has('retryAfter')
      ? intParam(url, 'retryAfter', 0, 86_400 * 3)
      : undefined;
    sim.faults.restFault({ status: status as RestFaultStatus, count, retryAfterSec });
  },
  '/_sim/reset': (sim) => sim.faults.reset(),
  '/_sim/rate': (sim, url) =>
    sim.setTradesPerSecond(numberParam(url, 'tradesPerSecond', 0, MAX_TRADES_PER_SECOND)),
};

/** GET endpoints every simulator has. */
const GET_READS: Readonly<Record<string, (sim: SimControlTarget) => unknown>> = {
  '/_sim/stats': (sim) => sim.stats(),
  '/_sim/subscriptions': (sim) => sim.subscriptions(),
};

/** Answers one request under /_sim/. */
export function handleSimRequest(
  sim: SimControlTarget,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  extensions: SimHttpExtensions = {},
): void {
  const path = url.pathname;
  const read = GET_READS[path];
  const extraRead = extensions.get?.[path];
  if (read !== undefined || extraRead !== undefined) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendSimError(res, 405, SimHttpErrorCode.METHOD_NOT_ALLOWED, `use GET ${path}`);
      return;
    }
    sendJson(res, 200, read !== undefined ? read(sim) : extraRead?.());
    return;
  }
  const common = POST_ACTIONS[path];
  const extra = extensions.post?.[path];
  if (common === undefined && extra === undefined) {
    const known = [
      ...Object.keys(GET_READS),
      ...Object.keys(extensions.get ?? {}),
      ...Object.keys(POST_ACTIONS),
      ...Object.keys(extensions.post ?? {}),
    ].join(', ');
    sendSimError(res, 404, SimHttpErrorCode.NOT_FOUND, `no such endpoint ${path}; known: ${known}`);
    return;
  }
  if (req.method !== 'POST') {
    sendSimError(res, 405, SimHttpErrorCode.METHOD_NOT_ALLOWED, `use POST ${path}`);
    return;
  }
  try {
    if (common !== undefined) common(sim, url);
    else extra?.(url);
  } catch (error) {
    // RangeError: the handle's own argument check (e.g. a symbol that is not simulated).
    if (error instanceof SimBadParamError || error instanceof RangeError) {
      sendSimError(res, 400, SimHttpErrorCode.BAD_PARAM, error.message);
      return;
    }
    throw error;
  }
  sendJson(res, 200, { ok: true });
}
