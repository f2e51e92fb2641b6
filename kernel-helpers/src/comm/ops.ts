/**
 * Reduction operations for `reduce`/`allreduce` and their buffer forms: `SUM`, `PROD`, `MIN`, `MAX`
 * and `Op.Create(fn)`. The built-in ones work on numbers, bigints, arrays and typed arrays
 * (element-wise, like NumPy arrays in mpi4py) and anything else `+`/`*`/`<` accept.
 */
import { InvalidArgumentError, describeValue } from "../errors";
import { isBuffer, type CommBuffer } from "./buffers";


/** A reduction operation. Must be associative; `commute` says whether the order of ranks may change. */
export class Op {
  readonly name: string;
  readonly commute: boolean;
  private readonly fn: (a: any, b: any) => any;
  /** In-place element-wise form for typed arrays (the fast path of `Allreduce`), when there is one. */
  readonly elementwise: ((a: number, b: number) => number) | undefined;

  private constructor(name: string, fn: (a: any, b: any) => any, commute: boolean, elementwise?: (a: number, b: number) => number) {
    this.name = name;
    this.fn = fn;
    this.commute = commute;
    this.elementwise = elementwise;
  }

  /**
   * A custom operation, mpi4py's `MPI.Op.Create(fn, commute)`. `fn(a, b)` combines two values (a
   * from the lower rank) and returns the result; it must be associative.
   * @example const LONGEST = Op.Create((a: string, b: string) => (b.length > a.length ? b : a));
   */
  static Create<T>(fn: (a: T, b: T) => T, commute = true): Op {
    if (typeof fn !== "function") throw new InvalidArgumentError(`Expected \`fn\` to be a function, got ${describeValue(fn)}`);
    return new Op(fn.name || "custom", fn, commute);
  }

  /** The same as {@link Op.Create} (the name before mpi4py's was adopted). */
  static create<T>(fn: (a: T, b: T) => T, commute = true): Op {
    return Op.Create(fn, commute);
  }

  /** @internal */
  static builtin(name: string, scalar: (a: any, b: any) => any, elementwise: (a: number, b: number) => number): Op {
    const combine = (a: any, b: any): any => {
      if (isBuffer(a) && isBuffer(b)) {
        const out = (a as CommBuffer).slice() as CommBuffer;
        for (let i = 0; i < out.length; i++) (out as any)[i] = scalar((a as any)[i], (b as any)[i]);
        return out;
      }
      if (Array.isArray(a) && Array.isArray(b)) return a.map((x, i) => combine(x, b[i]));
      return scalar(a, b);
    };
    return new Op(name, combine, true, elementwise);
  }

  /** Combines two values: `a` comes from the lower rank. */
  apply<T>(a: T, b: T): T {
    return this.fn(a, b) as T;
  }

  /** `acc[i] = op(acc[i], x[i])` for typed arrays (no allocation when the op is built in). */
  applyInto(acc: CommBuffer, x: CommBuffer): void {
    const e = this.elementwise;
    if (e) {
      const n = acc.length;
      const a = acc as unknown as number[];
      const b = x as unknown as number[];
      for (let i = 0; i < n; i++) a[i] = e(a[i]!, b[i]!);
    } else {
      acc.set(this.fn(acc, x) as any);
    }
  }

  /** `out[i] = op(a[i], b[i])` for typed arrays of one length: `applyInto` without copying `a` first. */
  applyTo(out: CommBuffer, a: CommBuffer, b: CommBuffer): void {
    const e = this.elementwise;
    if (e) {
      const n = out.length;
      const o = out as unknown as number[];
      const x = a as unknown as number[];
      const y = b as unknown as number[];
      for (let i = 0; i < n; i++) o[i] = e(x[i]!, y[i]!);
    } else {
      out.set(this.fn(a, b) as any);
    }
  }

  toString(): string {
    return `Op(${this.name})`;
  }
}

/** Sum (element-wise for arrays and typed arrays). */
export const SUM = Op.builtin("SUM", (a, b) => a + b, (a, b) => a + b);
/** Product. */
export const PROD = Op.builtin("PROD", (a, b) => a * b, (a, b) => a * b);
/** Minimum. */
export const MIN = Op.builtin("MIN", (a, b) => (b < a ? b : a), (a, b) => (b < a ? b : a));
/** Maximum. */
export const MAX = Op.builtin("MAX", (a, b) => (b > a ? b : a), (a, b) => (b > a ? b : a));
