/**
 * A small seeded random number generator for the data sets and the shuffled K-fold: the role numpy's
 * `RandomState` plays in scikit-learn. The streams differ from numpy's (so the numbers differ), but
 * the distributions are the same, which is what the tests compare.
 *
 * The core is sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, as used by PractRand):
 * 128 bits of state, passes BigCrush, and seeds well from a single integer through splitmix32.
 */
import { InvalidArgumentError, describeValue } from "../errors";

/** Anything the ml functions accept as `randomState`: a seed, an existing generator, or none (fresh entropy). */
export type RandomStateLike = number | RandomState | undefined | null;

/** A seeded pseudo-random generator with the draws `make_classification` needs. */
export class RandomState {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | undefined;

  /** @param seed a non-negative integer; the same seed gives the same stream on every machine. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new InvalidArgumentError(`Expected \`seed\` to be a non-negative integer, got ${describeValue(seed)}`);
    }
    // splitmix32 spreads the seed over the four state words so nearby seeds give unrelated streams.
    let s = (seed ^ Math.floor(seed / 2 ** 32)) >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** A uniform double in [0, 1) with 53 random bits, like numpy's `random_sample`. */
  random(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform double in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.random();
  }

  /** A standard normal draw (Marsaglia's polar method, keeping the spare value like numpy's legacy generator). */
  standardNormal(): number {
    if (this.spareNormal !== undefined) {
      const spare = this.spareNormal;
      this.spareNormal = undefined;
      return spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.random() - 1;
      v = 2 * this.random() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = u * f;
    return v * f;
  }

  /** A uniform integer in [0, high), without modulo bias. */
  randint(high: number): number {
    if (!Number.isSafeInteger(high) || high <= 0) {
      throw new InvalidArgumentError(`Expected \`high\` to be a positive integer, got ${describeValue(high)}`);
    }
    return Math.floor(this.random() * high);
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [index: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /**
   * `k` distinct integers from [0, n): scikit-learn's `sample_without_replacement` with method "auto",
   * including the order of its output, which `make_classification` relies on: the hypercube vertex of each
   * cluster, so which class sits where. Like scikit-learn it picks by the ratio k / n:
   * - in (0.01, 0.99): a random permutation of [0, n), first k (random order);
   * - below 0.2 otherwise (ratio <= 0.01): tracking selection, draws in the order they were made;
   * - otherwise (ratio >= 0.99): reservoir sampling, which keeps [0, k) in place and for k = n returns
   *   0, 1, …, n − 1 unshuffled: with 4 clusters on a 2-D hypercube each class gets two adjacent vertices.
   */
  sampleWithoutReplacement(n: number, k: number): number[] {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new InvalidArgumentError(`Expected \`n\` to be a non-negative integer, got ${describeValue(n)}`);
    }
    if (!Number.isSafeInteger(k) || k < 0 || k > n) {
      throw new InvalidArgumentError(`Expected \`k\` to be an integer in [0, ${n}], got ${describeValue(k)}`);
    }
    const ratio = n === 0 ? 1 : k / n;
    if (ratio > 0.01 && ratio < 0.99) {
      return this.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, k);
    }
    if (ratio < 0.2) {
      const chosen = new Set<number>();
      while (chosen.size < k) chosen.add(this.randint(n));
      return [...chosen];
    }
    const out = Array.from({ length: k }, (_, i) => i);
    for (let i = k; i < n; i++) {
      const j = this.randint(i + 1);
      if (j < k) out[j] = i;
    }
    return out;
  }
}

/** scikit-learn's `check_random_state`: a seed or a generator in, a generator out. */
export function checkRandomState(randomState: RandomStateLike): RandomState {
  if (randomState instanceof RandomState) return randomState;
  if (randomState === undefined || randomState === null) return new RandomState(Math.floor(Math.random() * 2 ** 32));
  return new RandomState(randomState);
}

/**
 * mulberry32: a tiny 32-bit seeded generator whose stream for a seed is fixed forever. For the
 * many cheap independent streams the course needs besides {@link RandomState}: one per array block
 * (`da.random`) and one per lorem data file.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
