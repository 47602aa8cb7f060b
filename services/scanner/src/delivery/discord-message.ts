/**
 * Signals as one Discord message: a short `content` line and one embed per signal, up to ten
 * signals per message, always within Discord's limits so a message is never refused for its
 * size. Limits: https://discord.com/developers/docs/resources/message#embed-object-embed-limits
 * and the `content` / `embeds` rows of execute-webhook.
 */
import type { Signal } from '../signals/signal';

/** Discord's limits on one message; all counts are characters. */
export const DISCORD_MESSAGE_LIMITS = Object.freeze({
  contentChars: 2_000,
  embedsPerMessage: 10,
  /** Title, description, field names and values, footer text and author name of all embeds together. */
  embedTextChars: 6_000,
  titleChars: 256,
  descriptionChars: 4_096,
  fieldsPerEmbed: 25,
  fieldNameChars: 256,
  fieldValueChars: 1_024,
  footerChars: 2_048,
  authorNameChars: 256,
  usernameChars: 80,
});

/** Most signals in one message: one embed each. */
export const MAX_SIGNALS_PER_MESSAGE = DISCORD_MESSAGE_LIMITS.embedsPerMessage;
/** A signal shows at most this many of its conditions; the rest are counted in the footer. */
const MAX_FIELDS_PER_SIGNAL = 10;
const MET_COLOR = 0x2ecc71;
const ELLIPSIS = '…';

export interface DiscordEmbedField {
  name: string;
  value: string;
  inline?: boolean;
}

export interface DiscordEmbed {
  title: string;
  description: string;
  color: number;
  fields: DiscordEmbedField[];
  footer: { text: string };
  /** ISO 8601: when the signal was detected. */
  timestamp: string;
}

/** The body of an execute-webhook request. */
export interface DiscordMessage {
  content: string;
  embeds: DiscordEmbed[];
  username?: string;
  /** Never ping anyone, whatever a strategy's name says (`@everyone`, role mentions). */
  allowed_mentions: { parse: [] };
}

export interface DiscordMessageOptions {
  /** Shown as the sender instead of the webhook's own name. */
  username?: string;
}

/** One message for the first {@link MAX_SIGNALS_PER_MESSAGE} of `signals`; `signalCount` says how many it carries. */
export function buildDiscordMessage(
  signals: readonly Signal[],
  options: DiscordMessageOptions = {},
): { message: DiscordMessage; signalCount: number } {
  if (signals.length === 0) throw new TypeError('a Discord message needs at least one signal');
  const carried = signals.slice(0, MAX_SIGNALS_PER_MESSAGE);
  const embeds = carried.map(signalEmbed);
  fitEmbedText(embeds);
  const message: DiscordMessage = {
    content: truncate(contentLine(carried), DISCORD_MESSAGE_LIMITS.contentChars),
    embeds,
    allowed_mentions: { parse: [] },
  };
  if (options.username !== undefined && options.username !== '') {
    message.username = truncate(options.username, DISCORD_MESSAGE_LIMITS.usernameChars);
  }
  return { message, signalCount: carried.length };
}

/** The characters of an embed that count against {@link DISCORD_MESSAGE_LIMITS.embedTextChars}. */
export function embedTextLength(embed: DiscordEmbed): number {
  return (
    embed.title.length +
    embed.description.length +
    embed.footer.text.length +
    embed.fields.reduce((sum, field) => sum + field.name.length + field.value.length, 0)
  );
}

function contentLine(signals: readonly Signal[]): string {
  if (signals.length === 1) {
    const [signal] = signals as [Signal];
    return `${signal.strategyName}: ${signal.symbol} ${signal.interval} at ${signal.close}`;
  }
  const names = signals.map((signal) => `${signal.symbol} ${signal.interval} (${signal.strategyName})`);
  return `${signals.length} signals: ${names.join(', ')}`;
}

function signalEmbed(signal: Signal): DiscordEmbed {
  const candle = new Date(signal.candleOpenTime).toISOString();
  const state = signal.candleClosed ? 'closed candle' : 'open candle';
  const shown = signal.facts.slice(0, MAX_FIELDS_PER_SIGNAL);
  const hidden = signal.facts.length - shown.length;
  return {
    title: truncate(
      `${signal.symbol} ${signal.interval} · ${signal.strategyName}`,
      DISCORD_MESSAGE_LIMITS.titleChars,
    ),
    description: truncate(
      `Close ${signal.close} on the ${state} opened ${candle}`,
      DISCORD_MESSAGE_LIMITS.descriptionChars,
    ),
    color: MET_COLOR,
    fields: shown.map((fact) => ({
      name: truncate(`${fact.met ? 'met' : 'not met'}: ${fact.type}`, DISCORD_MESSAGE_LIMITS.fieldNameChars),
      value: truncate(factValues(fact.values), DISCORD_MESSAGE_LIMITS.fieldValueChars),
      inline: true,
    })),
    footer: {
      text: truncate(
        hidden > 0 ? `${signal.id} · ${hidden} more conditions` : signal.id,
        DISCORD_MESSAGE_LIMITS.footerChars,
      ),
    },
    timestamp: new Date(signal.detectedAt).toISOString(),
  };
}

function factValues(values: Record<string, number | string | null>): string {
  const text = Object.entries(values)
    .map(([name, value]) => `${name}: ${value === null ? 'n/a' : String(value)}`)
    .join('\n');
  // Discord refuses an empty field value.
  return text === '' ? '-' : text;
}

/**
 * Shrinks the longest embed until all of them fit the message's shared text limit: first its
 * last field goes, then its description is shortened. Titles (at most 256) and footers (a
 * signal id) of ten embeds stay far below the limit, so this always ends.
 */
function fitEmbedText(embeds: DiscordEmbed[]): void {
  let total = embeds.reduce((sum, embed) => sum + embedTextLength(embed), 0);
  while (total > DISCORD_MESSAGE_LIMITS.embedTextChars) {
    const longest = embeds.reduce((a, b) => (embedTextLength(b) > embedTextLength(a) ? b : a));
    const before = embedTextLength(longest);
    if (longest.fields.length > 0) {
      longest.fields.pop();
    } else {
      const excess = total - DISCORD_MESSAGE_LIMITS.embedTextChars;
      longest.description = truncate(longest.description, Math.max(1, longest.description.length - excess));
      if (embedTextLength(longest) === before) {
        longest.title = truncate(longest.title, Math.max(1, longest.title.length - excess));
      }
    }
    const shrunk = before - embedTextLength(longest);
    // Nothing left to shorten: cannot happen with Discord's limits, but never loop forever.
    if (shrunk === 0) break;
    total -= shrunk;
  }
}

/** At most `max` characters (UTF-16 units, never fewer than Discord's count), marked when cut. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - ELLIPSIS.length))}${ELLIPSIS}`;
}
