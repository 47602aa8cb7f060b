import { parseCoinbaseTime } from './iso-time';

describe('parseCoinbaseTime', () => {
  it.each([
    ['2021-04-17T16:43:30.244075Z', Date.UTC(2021, 3, 17, 16, 43, 30, 244)],
    ['2014-11-07T08:19:28.464459Z', Date.UTC(2014, 10, 7, 8, 19, 28, 464)],
    ['2019-04-01T00:00:04.540000Z', Date.UTC(2019, 3, 1, 0, 0, 4, 540)],
    ['2020-03-20T00:22:57.833Z', Date.UTC(2020, 2, 20, 0, 22, 57, 833)],
    ['2020-03-20T00:22:57.8Z', Date.UTC(2020, 2, 20, 0, 22, 57, 800)],
    ['2020-03-20T00:22:57Z', Date.UTC(2020, 2, 20, 0, 22, 57)],
    ['2020-03-20T00:22:57.999999999+00:00', Date.UTC(2020, 2, 20, 0, 22, 57, 999)],
  ])('reads %s, truncating to the millisecond', (text, ms) => {
    expect(parseCoinbaseTime(text)).toBe(ms);
  });

  it.each([
    '',
    '2021-02-30T00:00:00Z',
    '2021-04-17 16:43:30Z',
    '2021-04-17T24:00:00Z',
    '2021-04-17T16:43:30',
    '2021-04-17T16:43:30+02:00',
    '1618677810',
  ])('refuses %j', (text) => {
    expect(parseCoinbaseTime(text)).toBeUndefined();
  });
});
