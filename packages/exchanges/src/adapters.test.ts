/**
 * What every adapter promises the upstream, checked on all three: `parse` never throws, whatever
 * arrives (truncated frames, flipped bytes, another exchange's frames), and every symbol it
 * emits is canonical and leads back to the adapter's exchange.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { canonicalSymbol } from '@tickwire/core';
import { createBinanceAdapter } from './binance';
import { createCoinbaseAdapter } from './coinbase';
import type { ExchangeAdapter } from './exchange-adapter';
import type { FeedMessage } from './feed-message';
import { createFinnhubAdapter } from './finnhub';
import { fromCanonicalSymbol } from './symbol-namespace';

const FIXTURES = path.join(__dirname, '../fixtures');
const RECEIVED = 1_800_000_000_000;
const KINDS: readonly FeedMessage['type'][] = [
  'tickers',
  'ack',
  'error',
  'shutdown',
  'heartbeat',
  'ignored',
  'malformed',
];

const ADAPTERS: readonly ExchangeAdapter[] = [
  createBinanceAdapter(),
  createFinnhubAdapter({ token: 'test-key' }),
  createCoinbaseAdapter({ channels: ['ticker', 'heartbeat', 'matches'] }),
];

const ALL_LINES = readdirSync(FIXTURES)
  .filter((file) => file.endsWith('.jsonl'))
  .flatMap((file) =>
    readFileSync(path.join(FIXTURES, file), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== ''),
  );

/** A small deterministic PRNG (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Truncations and single-character replacements of `line`. */
function mutations(line: string, next: () => number): string[] {
  const replacements = ['', '"', '{', '}', '[', ']', ',', ':', '0', '-', 'e', 'x', ' ', '\\', 'null'];
  const out: string[] = [];
  for (let i = 0; i < 8; i += 1) {
    const at = Math.floor(next() * line.length);
    out.push(line.slice(0, at));
    const replacement = replacements[Math.floor(next() * replacements.length)] ?? '';
    out.push(line.slice(0, at) + replacement + line.slice(at + 1));
  }
  return out;
}

describe.each(ADAPTERS.map((adapter) => [adapter.id, adapter] as const))('the %s adapter', (_id, adapter) => {
  it('never throws on any fixture line of any exchange, or on mutations of them', () => {
    const next = random(42);
    let parsed = 0;
    for (const line of ALL_LINES) {
      for (const text of [line, ...mutations(line, next)]) {
        let message: FeedMessage | undefined;
        expect(() => {
          message = adapter.parse(text, RECEIVED);
        }).not.toThrow();
        expect(KINDS).toContain(message?.type);
        parsed += 1;
      }
    }
    // Each line and its 8 truncations and 8 replacements: an empty fixture folder proves nothing.
    expect(ALL_LINES.length).toBeGreaterThan(0);
    expect(parsed).toBe(ALL_LINES.length * 17);
  });

  it('emits only canonical symbols of its own exchange', () => {
    let symbolsChecked = 0;
    let updatesChecked = 0;
    for (const line of ALL_LINES) {
      const message = adapter.parse(line, RECEIVED);
      const symbols =
        message.type === 'tickers'
          ? message.updates.map((update) => update.symbol)
          : message.type === 'heartbeat' && message.symbol !== undefined
            ? [message.symbol]
            : [];
      for (const symbol of symbols) {
        expect(canonicalSymbol(symbol)).toBe(symbol);
        expect(fromCanonicalSymbol(symbol)?.exchange).toBe(adapter.id);
        symbolsChecked += 1;
      }
      if (message.type === 'tickers') {
        for (const update of message.updates) expect(update.exchange).toBe(adapter.id);
        updatesChecked += message.updates.length;
      }
    }
    // The fixtures hold this exchange's ticker frames, so the checks above ran on real updates.
    expect(updatesChecked).toBeGreaterThan(0);
    expect(symbolsChecked).toBeGreaterThanOrEqual(updatesChecked);
  });
});
