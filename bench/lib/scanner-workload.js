/**
 * What the scanner benchmark asks of a scanner: owners with a watchlist each (symbols drawn by
 * popularity from the universe), strategies from a realistic mix of the condition types users
 * write (RSI, moving-average crosses, volume spikes, % change, price, combined with all/any) on
 * 1m, 5m and 1h candles, and candle history as a random walk per series. Seeded, so two runs
 * ask the same of the scanner.
 */
const { CANDLE_INTERVAL_MS } = require('../../packages/core/dist');
const { mulberry32: seededRandom } = require('../../packages/exchange-sim/dist/prng');

/** A standard normal draw (Box-Muller). */
function normal(random) {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Strategy intervals and how often users pick each. */
const INTERVAL_WEIGHTS = [
  ['1m', 0.4],
  ['5m', 0.3],
  ['1h', 0.3],
];

/** The conditions users write, by kind; each owner picks three different ones. */
const STRATEGY_TEMPLATES = [
  ['RSI oversold', { type: 'rsi', period: 14, op: 'below', value: 30 }],
  ['RSI overbought', { type: 'rsi', period: 14, op: 'above', value: 70 }],
  [
    'fast RSI extreme',
    {
      any: [
        { type: 'rsi', period: 7, op: 'below', value: 20 },
        { type: 'rsi', period: 7, op: 'above', value: 80 },
      ],
    },
  ],
  ['slow RSI dip', { type: 'rsi', period: 21, op: 'below', value: 35 }],
  [
    'EMA 12/26 cross up',
    { type: 'cross', fast: { ma: 'ema', period: 12 }, slow: { ma: 'ema', period: 26 }, direction: 'up' },
  ],
  [
    'EMA 9/21 cross down',
    { type: 'cross', fast: { ma: 'ema', period: 9 }, slow: { ma: 'ema', period: 21 }, direction: 'down' },
  ],
  [
    'golden cross',
    { type: 'cross', fast: { ma: 'sma', period: 50 }, slow: { ma: 'sma', period: 200 }, direction: 'up' },
  ],
  [
    'SMA 20/50 cross up',
    { type: 'cross', fast: { ma: 'sma', period: 20 }, slow: { ma: 'sma', period: 50 }, direction: 'up' },
  ],
  ['volume spike', { type: 'volumeSpike', candles: 20, factor: 3 }],
  [
    'pump',
    {
      all: [
        { type: 'volumeSpike', candles: 10, factor: 2.5 },
        { type: 'change', candles: 3, op: 'above', percent: 1 },
      ],
    },
  ],
  ['dump', { type: 'change', candles: 5, op: 'below', percent: -1.5 }],
  [
    'oversold reversal',
    {
      all: [
        { type: 'rsi', period: 14, op: 'below', value: 40 },
        { type: 'cross', fast: { ma: 'ema', period: 12 }, slow: { ma: 'ema', period: 26 }, direction: 'up' },
      ],
    },
  ],
  [
    'penny breakout',
    {
      all: [
        { type: 'price', op: 'below', value: '1' },
        { type: 'change', candles: 12, op: 'above', percent: 3 },
      ],
    },
  ],
  [
    'blow-off',
    {
      any: [
        { type: 'rsi', period: 14, op: 'above', value: 80 },
        { type: 'volumeSpike', candles: 20, factor: 4 },
      ],
    },
  ],
];

/** Per-candle volatility of the walk by interval (log-return standard deviation). */
const VOLATILITY = { '1m': 0.0015, '5m': 0.0035, '1h': 0.012 };
/** Share of candles whose volume is several times the usual (what volume-spike strategies look for). */
const VOLUME_SPIKE_SHARE = 0.02;

function pickWeighted(random, weighted) {
  let draw = random() * weighted.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [value, weight] of weighted) {
    draw -= weight;
    if (draw <= 0) return value;
  }
  return weighted[weighted.length - 1][0];
}

/**
 * `owners` owners, each with a watchlist of `symbolsPerOwner` distinct symbols (drawn with Zipf
 * weights over the universe's order) and `strategiesPerOwner` strategies of different kinds.
 */
function buildWorkload({ universe, owners, symbolsPerOwner, strategiesPerOwner, seed }) {
  const random = seededRandom(seed);
  // Zipf-like popularity: the symbol of rank r (0 = BTC) is drawn with weight 1 / (r + 5).
  const popularity = universe.map((symbol, rank) => [symbol, 1 / (rank + 5)]);
  const result = [];
  for (let o = 0; o < owners; o++) {
    const symbols = new Set();
    while (symbols.size < symbolsPerOwner) symbols.add(pickWeighted(random, popularity));
    const kinds = new Set();
    while (kinds.size < strategiesPerOwner) kinds.add(Math.floor(random() * STRATEGY_TEMPLATES.length));
    const strategies = [...kinds].map((kind) => {
      const [name, when] = STRATEGY_TEMPLATES[kind];
      return { name, interval: pickWeighted(random, INTERVAL_WEIGHTS), when };
    });
    result.push({ name: `owner-${o}`, symbols: [...symbols], strategies });
  }
  return result;
}

/** Decimal places that give a price about six significant digits, as exchanges' tick sizes do. */
function priceDecimals(price) {
  return Math.min(8, Math.max(2, 5 - Math.floor(Math.log10(price))));
}

/**
 * `count + 1` candles of one series, oldest first: a random walk whose last candle opens at
 * `lastOpenTime`. The first `count` are history, the last is the close a benchmark round announces.
 */
function seriesCandles({ symbol, interval, lastOpenTime, count, seed }) {
  const random = seededRandom(seed);
  const intervalMs = CANDLE_INTERVAL_MS[interval];
  const sigma = VOLATILITY[interval];
  let price = Math.exp(-7 + 18 * random()); // 0.0009 .. 60,000
  const baseVolume = Math.exp(2 + 10 * random());
  const decimals = priceDecimals(price);
  const candles = [];
  for (let i = 0; i <= count; i++) {
    const open = price;
    price = open * Math.exp(sigma * normal(random));
    const high = Math.max(open, price) * (1 + Math.abs(normal(random)) * sigma * 0.5);
    const low = Math.min(open, price) * (1 - Math.abs(normal(random)) * sigma * 0.5);
    const spike = random() < VOLUME_SPIKE_SHARE ? 3 + 4 * random() : 1;
    const volume = baseVolume * Math.exp(0.4 * normal(random)) * spike;
    const openTime = lastOpenTime - (count - i) * intervalMs;
    candles.push({
      symbol,
      interval,
      openTime,
      closeTime: openTime + intervalMs - 1,
      open: open.toFixed(decimals),
      high: high.toFixed(decimals),
      low: low.toFixed(decimals),
      close: price.toFixed(decimals),
      volume: volume.toFixed(2),
      ticks: 1 + Math.floor(random() * 500),
    });
  }
  return candles;
}

module.exports = { buildWorkload, seriesCandles, seededRandom, STRATEGY_TEMPLATES };
