/** Small helpers to write HTTP answers with node:http (no framework: the simulator has 10 routes). */
import type { ServerResponse } from 'node:http';

/** Gateways in front of an exchange API answer 502 with an HTML page, not JSON. */
export const BAD_GATEWAY_HTML =
  '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>';

/** Content type Binance answers JSON with. */
export const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string | number> = {},
): void {
  sendText(res, status, JSON.stringify(body), JSON_CONTENT_TYPE, headers);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  contentType: string,
  headers: Record<string, string | number> = {},
): void {
  const body = Buffer.from(text);
  res.writeHead(status, { ...headers, 'content-type': contentType, 'content-length': body.length });
  res.end(body);
}

/** The simulator's own errors (/_sim/ routes), shaped per STYLE rule 11. */
export function sendSimError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: { code, message } });
}
