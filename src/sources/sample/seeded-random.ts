/**
 * Deterministic randomness for the sample generator. Every day, night and sample stream gets its own generator
 * derived from (seed, date, purpose), so a day's data does not depend on how many days came before it: the same
 * date looks the same in a 14-day and in a 365-day export, unless a gap or day off of that window touches it.
 */

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
  chance(p: number): boolean;
  /** Approximately normal (Irwin–Hall of 4), mean 0 and standard deviation 1; cheap enough per heart sample. */
  gauss(): number;
}

// Bound once: under jest every lookup of a global such as Math goes through the test context's global object,
// which made these per-sample calls about twenty times slower.
const { imul, floor, sqrt } = Math;
const SQRT3 = sqrt(3);

/** mulberry32: a tiny 32-bit PRNG with good enough statistics for synthetic data. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over the key, mixed with the seed: distinct keys give unrelated streams. */
function hashKey(seed: number, key: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function seededRandom(seed: number, key: string): Random {
  const next = mulberry32(hashKey(seed, key));
  return {
    next,
    between: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + floor((max - min + 1) * next()),
    chance: (p) => next() < p,
    gauss: () => (next() + next() + next() + next() - 2) * SQRT3,
  };
}
