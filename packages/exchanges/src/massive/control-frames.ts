/**
 * Client -> server frames of the Massive socket (single JSON objects):
 *   {"action":"auth","params":"<key>"}
 *   {"action":"subscribe","params":"T.AAPL,Q.AAPL,AM.AAPL"}
 *   {"action":"unsubscribe","params":"T.MSFT"}
 * Subscriptions are comma lists without spaces (as the official clients join them), chunked.
 * Docs: https://massive.com/docs/websocket/stocks/trades (Authentication, Subscribe).
 */
import { MASSIVE_MAX_STREAMS_PER_CONTROL_FRAME } from './limits';

export type MassiveControlAction = 'subscribe' | 'unsubscribe';

export function massiveAuthFrame(apiKey: string): string {
  return JSON.stringify({ action: 'auth', params: apiKey });
}

export function massiveControlFrames(action: MassiveControlAction, streams: readonly string[]): string[] {
  const unique = [...new Set(streams)];
  const frames: string[] = [];
  for (let start = 0; start < unique.length; start += MASSIVE_MAX_STREAMS_PER_CONTROL_FRAME) {
    const params = unique.slice(start, start + MASSIVE_MAX_STREAMS_PER_CONTROL_FRAME).join(',');
    frames.push(JSON.stringify({ action, params }));
  }
  return frames;
}
