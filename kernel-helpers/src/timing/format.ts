/**
 * Formats a duration the way IPython's `%time` / `%timeit` do (`_format_time`): three significant
 * digits in s, ms, µs or ns; minutes and hours from 60 s on.
 */
export function formatDuration(ms: number, precision = 3): string {
  const seconds = ms / 1000;
  if (seconds >= 60) {
    const parts: string[] = [];
    let rest = seconds;
    for (const [suffix, length] of [["d", 86400], ["h", 3600], ["min", 60]] as const) {
      const value = Math.floor(rest / length);
      if (value > 0) {
        parts.push(`${value}${suffix}`);
        rest %= length;
      }
    }
    parts.push(`${Math.round(rest)}s`);
    return parts.join(" ");
  }
  const units = ["s", "ms", "µs", "ns"];
  // Python: order = min(-(floor(log10(t)) // 3), 3)
  const order = seconds > 0 ? Math.max(0, Math.min(-Math.floor(Math.floor(Math.log10(seconds)) / 3), 3)) : 3;
  const value = seconds * 1000 ** order;
  return `${Number(value.toPrecision(precision))} ${units[order]}`;
}

/** `1 process`, `2 processes`: `plural` defaults to the word + "s" (+ "es" after s, x, ch, sh). */
export function plural(count: number, word: string, pluralWord?: string): string {
  const many = pluralWord ?? (/(s|x|ch|sh)$/.test(word) ? `${word}es` : `${word}s`);
  return `${count.toLocaleString("en-US")} ${count === 1 ? word : many}`;
}

/**
 * A count as a reader says it: `20,000`, `1.2 million`, `100 million`, `3 billion` (from a million
 * on, three significant digits and a word, so 100,000,020 reads "100 million").
 */
export function formatCount(count: number): string {
  const abs = Math.abs(count);
  for (const [size, word] of [[1e9, "billion"], [1e6, "million"]] as const) {
    if (abs >= size) return `${Number((count / size).toPrecision(3)).toLocaleString("en-US")} ${word}`;
  }
  return Math.round(count).toLocaleString("en-US");
}
