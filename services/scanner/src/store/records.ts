/**
 * The scanner's data, as stored (one JSON string per record) and as the API takes it. Owners
 * hold watchlists (symbols), strategies (a document over one watchlist's candles, sent to some
 * destinations) and destinations (Discord webhooks). Inputs are parsed strictly: unknown fields
 * are refused and every problem names its field.
 */
import { z } from 'zod';
import type { StrategyDocument } from '../strategy';

/** Per-owner limits: 1,000 owners x 20 symbols x 3 strategies is the sizing target. */
export const MAX_WATCHLISTS_PER_OWNER = 20;
export const MAX_SYMBOLS_PER_WATCHLIST = 50;
export const MAX_STRATEGIES_PER_OWNER = 50;
export const MAX_DESTINATIONS_PER_OWNER = 10;
export const MAX_DESTINATIONS_PER_STRATEGY = 5;
export const MAX_NAME_LENGTH = 100;
export const MAX_WEBHOOK_URL_LENGTH = 512;

export interface Owner {
  id: string;
  name: string;
  /** ISO 8601. */
  createdAt: string;
}

export interface Watchlist {
  id: string;
  ownerId: string;
  name: string;
  /** Canonical symbols (`BTCUSDT`, `COINBASE:BTC-USD`), unique, in the order given. */
  symbols: string[];
  createdAt: string;
  updatedAt: string;
}

export interface Strategy {
  id: string;
  ownerId: string;
  watchlistId: string;
  document: StrategyDocument;
  enabled: boolean;
  destinationIds: string[];
  createdAt: string;
  updatedAt: string;
}

export type DestinationKind = 'discord';

export interface Destination {
  id: string;
  ownerId: string;
  kind: DestinationKind;
  name: string;
  /** A secret (whoever has it can post): stored as given, never returned or logged in full. */
  url: string;
  createdAt: string;
  updatedAt: string;
}

/** A destination as the API shows it: the URL redacted. */
export type PublicDestination = Omit<Destination, 'url'> & { url: string };

const name = z.string().trim().min(1).max(MAX_NAME_LENGTH);
/** Ids are random UUIDs; anything else cannot name a record. */
export const recordId = z.uuid('must be an id returned by the API');

export const ownerInput = z.strictObject({ name });

export const watchlistInput = z.strictObject({
  name,
  symbols: z.array(z.string().min(1).max(64)).min(1).max(MAX_SYMBOLS_PER_WATCHLIST),
});
export const watchlistPatch = watchlistInput.partial();

export const strategyInput = z.strictObject({
  watchlistId: recordId,
  /** Checked by parseStrategyDocument, which names the field at fault inside it. */
  document: z.unknown(),
  enabled: z.boolean().default(true),
  destinationIds: z.array(recordId).max(MAX_DESTINATIONS_PER_STRATEGY).default([]),
});
export const strategyPatch = z.strictObject({
  watchlistId: recordId.optional(),
  document: z.unknown().optional(),
  enabled: z.boolean().optional(),
  destinationIds: z.array(recordId).max(MAX_DESTINATIONS_PER_STRATEGY).optional(),
});

export const destinationInput = z.strictObject({
  kind: z.literal('discord').default('discord'),
  name,
  url: z.string().max(MAX_WEBHOOK_URL_LENGTH),
});
export const destinationPatch = z.strictObject({
  name: name.optional(),
  url: destinationInput.shape.url.optional(),
});

export type WatchlistInput = z.infer<typeof watchlistInput>;
export type WatchlistPatch = z.infer<typeof watchlistPatch>;
export type StrategyInput = Omit<z.infer<typeof strategyInput>, 'document'> & { document: StrategyDocument };
export type StrategyPatch = Omit<z.infer<typeof strategyPatch>, 'document'> & { document?: StrategyDocument };
export type DestinationInput = z.infer<typeof destinationInput>;
export type DestinationPatch = z.infer<typeof destinationPatch>;
