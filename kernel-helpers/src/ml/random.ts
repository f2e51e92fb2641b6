/**
 * A seeded random number generator for the data sets and the shuffled K-fold: numpy's legacy
 * `RandomState`, the generator scikit-learn's `check_random_state(seed)` returns. The core is the same
 * Mersenne Twister (MT19937) seeded the same way (`np.random.RandomState(seed)` for a 32-bit seed), and
 * each draw consumes the stream as numpy's does (53-bit doubles, the polar method with its spare value,
 * masked rejection for integers and for `shuffle`), so a seed gives scikit-learn's very numbers:
 * notebook 05's data and scores are the lecture's.
 */
import { InvalidArgumentError, describeValue } from "../errors";

/** Anything the ml functions accept as `randomState`: a seed, an existing generator, or none (fresh entropy). */
export type RandomStateLike = number | RandomState | undefined | null;

const N = 624;
const M = 397;

/** A seeded pseudo-random generator with the draws `make_classification` needs. */
export class RandomState {
  private readonly mt = new Uint32Array(N);
  private index = N;
  private spareNormal: number | undefined;

  /** @param seed an integer in [0, 2³²), as numpy requires; the same seed gives numpy's stream. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new InvalidArgumentError(`Expected \`seed\` to be an integer from 0 to 2**32 - 1 (as numpy's), got ${describeValue(seed)}`);
    }
    // mt19937_seed: numpy's legacy seeding of an integer (Knuth's multiplier, as init_genrand).
    this.mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = this.mt[i - 1]! ^ (this.mt[i - 1]! >>> 30);
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < N; i++) {
      const y = (mt[i]! & 0x80000000) | (mt[(i + 1) % N]! & 0x7fffffff);
      mt[i] = mt[(i + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A uniform integer in [0, max], by numpy's masked rejection (`random_interval`, used by `shuffle`). */
  private interval(max: number): number {
    if (max === 0) return 0;
    if (max > 0xffffffff) return Math.floor(this.random() * (max + 1));   // beyond 32 bits: not used by the data sets
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do value = (this.nextUint32() & mask) >>> 0;
    while (value > max);
    return value;
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
    return this.interval(high - 1);   // numpy's randint(high): the same masked rejection on 32-bit draws
  }

  /** Shuffles `items` in place (Fisher–Yates from the end, as numpy's `shuffle`) and returns it. */
  shuffle<T extends { length: number; [index: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.interval(i);
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
