/** `retry-after: 316.890478ms` (Go duration), `Retry-After: 60` (seconds); the last one in the text. */
export function retryAfterSeconds(text: string): number | undefined {
  const found = [...text.matchAll(/retry-after"?:?\s*"?((?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+|\d+(?:\.\d+)?)/gi)];
  const value = found.at(-1)?.[1];
  if (value === undefined) return undefined;
  if (/^[\d.]+$/.test(value)) return Number(value);
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let seconds = 0;
  for (const [, amount, suffix] of value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gi)) {
    seconds += Number(amount) * unit[suffix.toLowerCase()];
  }
  // Whole milliseconds, rounded up: waiting a little longer is harmless, a little shorter is not.
  return Math.ceil(Math.round(seconds * 1e6) / 1e3) / 1e3;
}
