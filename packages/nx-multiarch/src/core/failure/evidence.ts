export const MAX_EVIDENCE = 300;

/** The last line, clipped; '' when there is none. */
export function lastClipped(lines: readonly string[]): string {
  return lines.length ? clip(lines[lines.length - 1]) : '';
}

/** At most MAX_EVIDENCE characters, keeping the end (the innermost cause) unless the match lies before it. */
export function clip(line: string, pattern?: RegExp): string {
  if (line.length <= MAX_EVIDENCE) return line;
  const at = pattern ? Math.max(0, line.search(pattern)) : line.length;
  const start = Math.min(at, line.length - (MAX_EVIDENCE - 1));
  const head = start > 0 ? '…' : '';
  const room = MAX_EVIDENCE - head.length;
  if (line.length - start <= room) return head + line.slice(start);
  return `${head}${line.slice(start, start + room - 1)}…`;
}
