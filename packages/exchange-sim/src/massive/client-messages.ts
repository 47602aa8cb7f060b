/**
 * Client -> server messages of the Massive socket: `{"action":"auth"|"subscribe"|"unsubscribe",
 * "params":"..."}`. Subscriptions are a comma list of `<prefix>.<ticker>`; spaces after the
 * commas (the old quickstart wrote `"AM.AAPL, AM.MSFT"`) are tolerated.
 */
export type MassiveClientMessage =
  | { readonly action: 'auth'; readonly key: string }
  | { readonly action: 'subscribe' | 'unsubscribe'; readonly items: readonly string[] };

/** The message, or undefined when it is not one the protocol knows. */
export function parseMassiveClientMessage(text: string): MassiveClientMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { action, params } = value as { action?: unknown; params?: unknown };
  if (typeof params !== 'string') return undefined;
  if (action === 'auth') return { action, key: params };
  if (action !== 'subscribe' && action !== 'unsubscribe') return undefined;
  const items = params
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return { action, items };
}
