import { describeValue, InvalidArgumentError } from "../errors";

/** One measurement: the time `ms` the work took on `workers` workers. */
export interface SpeedupInput {
  readonly workers: number;
  readonly ms: number;
}

/** A row of {@link speedupTable}. */
export interface SpeedupRow {
  readonly workers: number;
  readonly ms: number;
  /** T(base) / T(this) × base workers, base = the row with the fewest workers (usually 1). */
  readonly speedup: number;
  /** speedup / workers: 1 is perfect scaling. */
  readonly efficiency: number;
}

/**
 * Speedup and efficiency of each measurement relative to the one with the fewest workers, ready for
 * `show.table(rows)` or `show.speedup(rows)`.
 */
export function speedupTable(rows: readonly SpeedupInput[]): SpeedupRow[] {
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new InvalidArgumentError(`speedupTable(rows): expected a non-empty array of { workers, ms }, received ${describeValue(rows)}`);
  }
  rows.forEach((row, i) => {
    if (!Number.isInteger(row?.workers) || row.workers < 1 || !(row.ms > 0)) {
      throw new InvalidArgumentError(`speedupTable(rows): row ${i} needs a positive integer workers and a positive ms, received ${describeValue(row)}`);
    }
  });
  const base = rows.reduce((best, row) => (row.workers < best.workers ? row : best));
  return rows.map((row) => {
    const speedup = (base.ms / row.ms) * base.workers;
    return { workers: row.workers, ms: row.ms, speedup, efficiency: speedup / row.workers };
  });
}
