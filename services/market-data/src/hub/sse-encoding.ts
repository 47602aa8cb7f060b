/**
 * Server-Sent Events framing (WHATWG HTML, "Server-sent events"). Every event is encoded once
 * into a Buffer and the same bytes go to every subscriber.
 */

/** A comment line: keeps proxies and load balancers from closing an idle stream. */
export const HEARTBEAT_BYTES = Buffer.from(':hb\n\n');

/** Encodes one event; `data` is JSON without newlines, so one `data:` line suffices. */
export function encodeEvent(event: string, data: unknown, id?: string): Buffer {
  const idLine = id === undefined ? '' : `id: ${id}\n`;
  return Buffer.from(`${idLine}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** The reconnect delay hint; jittered per client so a restarted pod is not hit in lockstep. */
export function encodeRetry(baseMs: number, random: () => number = Math.random): Buffer {
  return Buffer.from(`retry: ${baseMs + Math.floor(random() * baseMs)}\n\n`);
}
