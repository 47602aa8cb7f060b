/**
 * Seeded randomness. Every random draw in the simulator comes from one of these generators, so a
 * seed fixes the whole price path (tests assert that two simulators with the same seed print the
 * same prices). mulberry32: 32-bit state, tiny, good enough for synthetic market data.
 */

/** A generator of floats in [0, 1). */
export type Random = () => number;

/** mulberry32 by Tommy Ettinger: a 32-bit seeded PRNG. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a 32-bit hash of a string. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A generator for one purpose (e.g. "BTCUSDT/live"), independent of every other purpose, so that
 * adding a symbol or changing the trade rate never changes another symbol's price path.
 */
export function derivedRandom(seed: number, label: string): Random {
  return mulberry32((hashString(label) ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0);
}

/** An integer in [0, bound). */
export function randomInt(random: Random, bound: number): number {
  return Math.floor(random() * bound);
}
