import type { ExchangeId, TickerUpdate } from '@tickwire/core';
import { createLogger } from '@tickwire/observability';
import { AssetRouter } from './asset-router';

const STALE_MS = 1_000;
const SWITCH_BACK_MS = 3_000;

function setup(servedFrom?: string) {
  let now = 0;
  const published: TickerUpdate[] = [];
  const down = new Set<ExchangeId>();
  const switches: string[] = [];
  const router = new AssetRouter({
    assets: [{ name: 'BTC-USD', sources: ['COINBASE:BTC-USD', 'BTCUSDT'] }],
    staleMs: STALE_MS,
    switchBackMs: SWITCH_BACK_MS,
    venueUp: (exchange) => !down.has(exchange),
    servedFrom: () => servedFrom,
    publisher: { publish: (updates) => published.push(...updates) },
    onSwitch: (_asset, from, to) => switches.push(`${from}>${to}`),
    logger: createLogger({ level: 'silent', service: 'test' }),
    now: () => now,
  });
  const tick = (symbol: string, last: string, extra: Partial<TickerUpdate> = {}) =>
    router.publish([
      {
        exchange: symbol.startsWith('COINBASE:') ? 'coinbase' : 'binance',
        symbol,
        last,
        eventTime: now,
        receiveTime: now,
        ...extra,
      },
    ]);
  /** Both sources tick every 100 ms for `ms`, the health checked after each round. */
  const run = (
    ms: number,
    alive: { primary: boolean; secondary: boolean } = { primary: true, secondary: true },
  ) => {
    for (let elapsed = 0; elapsed < ms; elapsed += 100) {
      now += 100;
      if (alive.primary) tick('COINBASE:BTC-USD', '100');
      if (alive.secondary) tick('BTCUSDT', '90');
      router.check();
    }
  };
  const assetTicks = () => published.filter((update) => update.symbol === 'BTC-USD');
  return { router, published, down, switches, tick, run, assetTicks, advance: (ms: number) => (now += ms) };
}

describe('AssetRouter', () => {
  it('publishes each update of the followed source also as the asset, with every field of the source and its origin', () => {
    const { tick, published } = setup();
    tick('COINBASE:BTC-USD', '100', { bid: '99' });
    tick('BTCUSDT', '90');
    tick('COINBASE:BTC-USD', '101', { tradeQty: '0.5' });
    expect(published.map((update) => [update.symbol, update.last, update.origin])).toEqual([
      ['COINBASE:BTC-USD', '100', undefined],
      ['BTC-USD', '100', 'COINBASE:BTC-USD'],
      ['BTCUSDT', '90', undefined],
      ['COINBASE:BTC-USD', '101', undefined],
      ['BTC-USD', '101', 'COINBASE:BTC-USD'],
    ]);
    expect(published.at(-1)).toMatchObject({ exchange: 'coinbase', bid: '99', tradeQty: '0.5' });
  });

  it('leaves a stalled source after the stale time, at once with its latest price, and comes back only after the hold', () => {
    const { run, switches, assetTicks, router } = setup();
    run(2_000);
    expect(router.selection()).toEqual({ 'BTC-USD': 'COINBASE:BTC-USD' });
    run(STALE_MS - 100, { primary: false, secondary: true });
    expect(switches).toEqual([]);
    run(200, { primary: false, secondary: true });
    expect(switches).toEqual(['COINBASE:BTC-USD>BTCUSDT']);
    const afterSwitch = assetTicks().filter((update) => update.origin === 'BTCUSDT');
    // The first is the switch itself (Binance's latest price), never counted as a trade again.
    expect(afterSwitch[0]).toMatchObject({ last: '90', exchange: 'binance' });
    expect(afterSwitch[0]!.tradeQty).toBeUndefined();

    // The primary flaps: healthy for less than the hold (its silence counts as healthy until
    // it is STALE_MS old), then quiet again. The asset stays put.
    run(SWITCH_BACK_MS - STALE_MS - 500);
    run(STALE_MS + 100, { primary: false, secondary: true });
    run(SWITCH_BACK_MS - 500);
    expect(switches).toEqual(['COINBASE:BTC-USD>BTCUSDT']);
    run(600);
    expect(switches).toEqual(['COINBASE:BTC-USD>BTCUSDT', 'BTCUSDT>COINBASE:BTC-USD']);
  });

  it('gives its source the stale time after the leader starts to connect and deliver, before leaving it', () => {
    const { run, down, switches } = setup();
    down.add('coinbase');
    // Binance connected first; Coinbase is still connecting.
    run(STALE_MS - 100, { primary: false, secondary: true });
    expect(switches).toEqual([]);
    down.delete('coinbase');
    run(1_000);
    expect(switches).toEqual([]);

    const never = setup();
    never.run(STALE_MS + 100, { primary: false, secondary: true });
    expect(never.switches).toEqual(['COINBASE:BTC-USD>BTCUSDT']);
  });

  it("leaves a source whose venue's connection is down even while its ticks are recent", () => {
    const { run, down, router } = setup();
    run(STALE_MS + 500);
    down.add('coinbase');
    router.check();
    expect(router.selection()).toEqual({ 'BTC-USD': 'BTCUSDT' });
  });

  it('stays on its source when no source is healthy, and a new leader continues where the last one served', () => {
    const { run, switches } = setup();
    run(500);
    run(STALE_MS * 3, { primary: false, secondary: false });
    expect(switches).toEqual([]);

    const taken = setup('BTCUSDT');
    expect(taken.router.selection()).toEqual({ 'BTC-USD': 'BTCUSDT' });
    taken.run(SWITCH_BACK_MS - 200);
    expect(taken.switches).toEqual([]);
    taken.run(300);
    expect(taken.switches).toEqual(['BTCUSDT>COINBASE:BTC-USD']);
  });
});
