/** The response head of every SSE stream, whichever service serves it. */
export const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  // no-transform stops compressing proxies from buffering the stream.
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  // nginx (and proxies that copy it) would otherwise buffer the response.
  'X-Accel-Buffering': 'no',
};
