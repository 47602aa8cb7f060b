import { testSignal } from '../testing/signal-fixtures';
import {
  buildDiscordMessage,
  DISCORD_MESSAGE_LIMITS,
  embedTextLength,
  MAX_SIGNALS_PER_MESSAGE,
} from './discord-message';

const huge = (n: number) => 'x'.repeat(n);

describe('Discord message builder', () => {
  it('sends one signal as content plus one embed, and never lets it ping anyone', () => {
    const { message, signalCount } = buildDiscordMessage(
      [testSignal(1, { strategyName: '@everyone look' })],
      {
        username: 'Tickwire',
      },
    );
    expect(signalCount).toBe(1);
    expect(message.content).toBe('@everyone look: BTCUSDT 1m at 64012.55');
    expect(message.allowed_mentions).toEqual({ parse: [] });
    expect(message.username).toBe('Tickwire');
    expect(message.embeds).toHaveLength(1);
    expect(message.embeds[0]!.footer.text).toBe(testSignal(1).id);
    expect(message.embeds[0]!.fields[0]).toEqual({
      name: 'met: rsi',
      value: 'rsi: 27.4\nbelow: 30',
      inline: true,
    });
  });

  it('carries at most ten signals, one embed each, in their order', () => {
    const signals = Array.from({ length: 13 }, (_, i) => testSignal(i));
    const { message, signalCount } = buildDiscordMessage(signals);
    expect(signalCount).toBe(MAX_SIGNALS_PER_MESSAGE);
    expect(message.embeds.map((embed) => embed.footer.text)).toEqual(signals.slice(0, 10).map((s) => s.id));
    expect(message.content).toMatch(/^10 signals: BTCUSDT 1m \(RSI oversold\)/);
  });

  it('keeps ten oversized signals within every limit of Discord', () => {
    const facts = Array.from({ length: 40 }, (_, i) => ({
      type: 'price' as const,
      met: true,
      values: { [`value${i}`]: huge(2_000) },
    }));
    const signals = Array.from({ length: 10 }, (_, i) =>
      testSignal(i, { strategyName: huge(5_000), symbol: `SYM${i}`, close: huge(5_000), facts }),
    );
    const { message } = buildDiscordMessage(signals, { username: huge(200) });
    const L = DISCORD_MESSAGE_LIMITS;
    expect(message.content.length).toBeLessThanOrEqual(L.contentChars);
    expect(message.username!.length).toBeLessThanOrEqual(L.usernameChars);
    expect(message.embeds).toHaveLength(10);
    let total = 0;
    for (const embed of message.embeds) {
      expect(embed.title.length).toBeLessThanOrEqual(L.titleChars);
      expect(embed.description.length).toBeLessThanOrEqual(L.descriptionChars);
      expect(embed.fields.length).toBeLessThanOrEqual(L.fieldsPerEmbed);
      for (const field of embed.fields) {
        expect(field.name.length).toBeLessThanOrEqual(L.fieldNameChars);
        expect(field.value.length).toBeLessThanOrEqual(L.fieldValueChars);
      }
      expect(embed.footer.text.length).toBeLessThanOrEqual(L.footerChars);
      total += embedTextLength(embed);
    }
    expect(total).toBeLessThanOrEqual(L.embedTextChars);
    // Truncation is visible, and a cut embed still names its signal.
    expect(message.embeds[0]!.title.endsWith('…')).toBe(true);
    expect(message.embeds[0]!.footer.text).toContain(signals[0]!.id);
  });

  it('says how many conditions a signal had beyond those it shows', () => {
    const facts = Array.from({ length: 12 }, () => ({
      type: 'rsi' as const,
      met: true,
      values: { rsi: 20 },
    }));
    const { message } = buildDiscordMessage([testSignal(1, { facts })]);
    expect(message.embeds[0]!.fields).toHaveLength(10);
    expect(message.embeds[0]!.footer.text).toBe(`${testSignal(1).id} · 2 more conditions`);
  });

  it('refuses to build a message without signals', () => {
    expect(() => buildDiscordMessage([])).toThrow(TypeError);
  });
});
