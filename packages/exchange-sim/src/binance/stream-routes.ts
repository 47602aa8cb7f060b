/**
 * The Binance socket paths: /ws, /ws/<streams>, /stream and /stream?streams= (anything else is
 * HTTP 404 at the handshake, as on Binance), and the streams a path names.
 */

/** How the connection was opened: /ws (raw) or /stream (combined), and the streams in the URL. */
export interface ConnectionRoute {
  readonly combined: boolean;
  readonly streams: readonly string[];
}

/** Streams named in the URL; undefined when the path is not a Binance stream endpoint. */
export function routeOf(rawUrl: string): ConnectionRoute | undefined {
  const queryAt = rawUrl.indexOf('?');
  const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  const query = queryAt === -1 ? '' : rawUrl.slice(queryAt + 1);
  try {
    if (path === '/ws' || path === '/ws/') return { combined: false, streams: [] };
    if (path.startsWith('/ws/'))
      return { combined: false, streams: splitStreams(decodeURIComponent(path.slice(4))) };
    if (path === '/stream') {
      // Decoded by hand: URLSearchParams would turn '+' into a space.
      const param = query.split('&').find((p) => p.startsWith('streams='));
      return {
        combined: true,
        streams: splitStreams(decodeURIComponent(param?.slice('streams='.length) ?? '')),
      };
    }
  } catch {
    return undefined; // malformed percent-encoding
  }
  return undefined;
}

function splitStreams(list: string): string[] {
  return list.split('/').filter((s) => s.length > 0);
}

/** Whether a plain HTTP request asked for a socket path (answered 426 Upgrade Required). */
export function isSocketPath(pathname: string): boolean {
  return pathname === '/ws' || pathname.startsWith('/ws/') || pathname === '/stream';
}
