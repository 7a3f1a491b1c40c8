import { ConfigError } from '../failure/errors';

export const TEMPLATE_SUFFIX = '.tpl';

// `{{NAME}}`, as the old build.sh wrote them; dotted names (`{{multiarch.tag}}`) are the plugin's own values.
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}/g;

export interface Placeholder {
  name: string;
  /** 1-based lines where it appears. */
  lines: number[];
}

/** The placeholders of a template, in order of first appearance. */
export function placeholders(text: string): Placeholder[] {
  const found = new Map<string, number[]>();
  text.split('\n').forEach((line, index) => {
    for (const match of line.matchAll(PLACEHOLDER)) {
      const lines = found.get(match[1]) ?? [];
      if (!lines.includes(index + 1)) lines.push(index + 1);
      found.set(match[1], lines);
    }
  });
  return [...found].map(([name, lines]) => ({ name, lines }));
}

/** `packages/x/Dockerfile.tpl` renders to `packages/x/Dockerfile`. */
export function renderedPath(template: string): string {
  return template.endsWith(TEMPLATE_SUFFIX) ? template.slice(0, -TEMPLATE_SUFFIX.length) : template;
}

/**
 * Replaces every placeholder; an empty value is a value. Any name without one is an error listing all of
 * them with their lines (the old script only warned, and built with `{{NAME}}` left in the Dockerfile).
 */
export function renderTemplate(text: string, values: Readonly<Record<string, string>>, file: string): string {
  const missing = placeholders(text).filter((p) => !Object.hasOwn(values, p.name));
  if (missing.length > 0) {
    const list = missing.map((p) => `${p.name} (line${p.lines.length > 1 ? 's' : ''} ${p.lines.join(', ')})`);
    throw new ConfigError(
      file,
      'placeholders',
      `no value for ${list.join(', ')}`,
      `define ${missing.map((p) => p.name).join(', ')} in .env or .env.example (or the plugin's templateValues)`,
    );
  }
  return text.replace(PLACEHOLDER, (_match, name: string) => values[name]);
}

/** For the graph only: renders what it can and leaves the rest, so a missing value never hides the edges. */
export function renderLeniently(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(PLACEHOLDER, (match, name: string) => (Object.hasOwn(values, name) ? values[name] : match));
}
