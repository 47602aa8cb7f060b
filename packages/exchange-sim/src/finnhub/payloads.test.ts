import { SymbolMarket } from '../market-state';
import { cryptoInstrument, forexInstrument, stockInstrument } from './instruments';
import { quoteBody, tradeElement } from './payloads';
import { resolveFinnhubSimOptions } from './options';
import { SimOptionsError } from '../options';

const NOW = 1_750_000_000_000;

describe('Finnhub payloads', () => {
  it('writes trade elements with exact JSON numbers, c as array / null / absent by kind', () => {
    const stock = stockInstrument('AAPL');
    const market = new SymbolMarket(stock.spec, 1, NOW, 5);
    const elements = Array.from({ length: 10 }, (_, i) => tradeElement(stock, market.trade(NOW + i)));
    for (const text of elements) {
      expect(text).toMatch(/^\{"c":\[("\d+"(,"\d+")*)?\],"p":\d+(\.\d{1,2})?,"s":"AAPL","t":\d+,"v":\d+\}$/);
    }
    expect(new Set(elements.map((t) => /"c":(\[[^\]]*\])/.exec(t)?.[1])).size).toBeGreaterThan(2);
    const crypto = cryptoInstrument('BINANCE:BTCUSDT');
    const btc = new SymbolMarket(crypto.spec, 1, NOW, 5);
    const cryptoTexts = Array.from({ length: 6 }, (_, i) => tradeElement(crypto, btc.trade(NOW + i)));
    expect(cryptoTexts.some((t) => t.startsWith('{"c":null,"p":'))).toBe(true);
    expect(cryptoTexts.some((t) => t.startsWith('{"p":'))).toBe(true);
    expect(cryptoTexts.every((t) => /"v":0\.\d+\}$|"v":\d+\}$/.test(t))).toBe(true);
    const fx = forexInstrument('OANDA:EUR_USD');
    const eur = new SymbolMarket(fx.spec, 1, NOW, 5);
    expect(tradeElement(fx, eur.trade(NOW))).toMatch(
      /^\{"p":1\.\d{1,5},"s":"OANDA:EUR_USD","t":\d+,"v":0\}$/,
    );
  });

  it('writes the quote with d = c - pc exactly, dp to 4 decimals and t in seconds', () => {
    const stock = stockInstrument('MSFT');
    const market = new SymbolMarket(stock.spec, 3, NOW, 5);
    market.trade(NOW + 1_234);
    const text = quoteBody(market.snapshot(NOW + 2_000), NOW + 1_234);
    const quote = JSON.parse(text) as Record<string, number>;
    expect(Object.keys(quote)).toEqual(['c', 'd', 'dp', 'h', 'l', 'o', 'pc', 't']);
    expect(quote['t']).toBe(Math.floor((NOW + 1_234) / 1000));
    const cents = (n: number | undefined): number => Math.round((n ?? 0) * 100);
    expect(cents(quote['d'])).toBe(cents(quote['c']) - cents(quote['pc']));
    expect(/"dp":(-?\d+(?:\.(\d+))?)/.exec(text)?.[2]?.length ?? 0).toBeLessThanOrEqual(4);
  });
});

describe('Finnhub options', () => {
  it('reports every invalid option at once', () => {
    let error: unknown;
    try {
      resolveFinnhubSimOptions({
        apiKeys: [],
        stocks: ['aapl'],
        cryptoSymbols: ['BTCUSDT'],
        maxSymbolsPerConnection: 0,
        duplicateConnectionMode: 'close-all' as never,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SimOptionsError);
    const { problems, message } = error as SimOptionsError;
    expect(problems).toHaveLength(5);
    expect(message).toMatch(/^invalid finnhub-sim options: /);
  });
});
