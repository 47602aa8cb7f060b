/**
 * Server-Sent Events framing (WHATWG HTML, "Server-sent events"). Every event is encoded once
 * into an SseFrame and the same bytes go to every subscriber.
 */
import { SseFrame } from './sse-frame';

/** A comment line: keeps proxies and load balancers from closing an idle stream. */
export const HEARTBEAT_FRAME = SseFrame.fromText(':hb\n\n', 0);

/** The text of one event; `data` is JSON without newlines, so one `data:` line suffices. */
export function eventText(event: string, json: string, id?: string): string {
  return id === undefined
    ? `event: ${event}\ndata: ${json}\n\n`
    : `id: ${id}\nevent: ${event}\ndata: ${json}\n\n`;
}

/** One event as a frame. */
export function encodeEvent(event: string, data: unknown, id?: string): SseFrame {
  return SseFrame.fromText(eventText(event, JSON.stringify(data), id));
}

/** The reconnect delay hint; jittered per client so a restarted pod is not hit in lockstep. */
export function encodeRetry(baseMs: number, random: () => number = Math.random): SseFrame {
  return SseFrame.fromText(`retry: ${baseMs + Math.floor(random() * baseMs)}\n\n`, 0);
}
