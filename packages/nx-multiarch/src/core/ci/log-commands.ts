import type { CiKind } from './environment';

// https://docs.github.com/actions/reference/workflow-commands-for-github-actions (as @actions/core escapes them).
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

// GitLab clears the line and hides the marker itself; the erase sequences keep a plain viewer's line clean.
const ERASE = '\x1b[0K';

/** A GitLab section name (lowercase letters, digits, `_`, `.`, `-`) from a title such as `api linux/arm64`. */
export function sectionName(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9_.-]+/g, '_');
}

const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ');
const unixSeconds = (ms: number) => Math.floor(ms / 1000);

/** The line that opens a collapsible block of log titled `title`; undefined in a plain terminal. */
export function blockStart(kind: CiKind, title: string, nowMs: number): string | undefined {
  if (kind === 'github') return `::group::${escapeData(title)}`;
  if (kind === 'gitlab') {
    return `${ERASE}section_start:${unixSeconds(nowMs)}:${sectionName(title)}[collapsed=true]\r${ERASE}${oneLine(title)}`;
  }
  return undefined;
}

/** The line that closes the block `blockStart` opened with the same title. */
export function blockEnd(kind: CiKind, title: string, nowMs: number): string | undefined {
  if (kind === 'github') return '::endgroup::';
  if (kind === 'gitlab') return `${ERASE}section_end:${unixSeconds(nowMs)}:${sectionName(title)}\r${ERASE}`;
  return undefined;
}

export interface ErrorAnnotation {
  /** Relative to the repository; absent when there is no file to point at. */
  file?: string;
  /** 1-based; only with `file`. */
  line?: number;
  title: string;
  message: string;
}

/** GitHub's `::error` command: the message in the job's annotations, on `file:line` when known. */
export function errorCommand(annotation: ErrorAnnotation): string {
  const { file, line, title, message } = annotation;
  const properties = [
    ...(file ? [`file=${escapeProperty(file)}`] : []),
    ...(file && line ? [`line=${line}`] : []),
    `title=${escapeProperty(title)}`,
  ];
  return `::error ${properties.join(',')}::${escapeData(message)}`;
}
