import { placeholders, renderLeniently } from '../../core/template/render';

/** The upstream image a dependency.conf names, as build.sh pulls it (after what a migration had to fix). */
export interface DependencyConf {
  /** Absent when the file names none. */
  image?: string;
  notes: string[];
}

/**
 * build.sh pulls the first line that does not start with `#`, all whitespace removed
 * (`grep -v '^#' | head -n 1 | tr -d '[:space:]'`). A `dependency.conf.tpl` is rendered first: its `{{NAME}}`s get
 * `values` (from .env.example), and any without one is left as written and reported.
 */
export function parseDependencyConf(
  text: string,
  file: string,
  values?: Readonly<Record<string, string>>,
): DependencyConf {
  const notes: string[] = [];
  const lines = text
    .split('\n')
    .map((line, index) => ({ text: line.replace(/\s/g, ''), line: index + 1 }))
    .filter((l) => l.text !== '' && !l.text.startsWith('#'));
  if (lines.length === 0) {
    return { notes: [`${file}: names no image (build.sh failed on it: "Empty dependency config"); not mapped`] };
  }
  const [first, ...others] = lines;
  if (others.length > 0) {
    notes.push(
      `${file} line${others.length > 1 ? 's' : ''} ${others.map((l) => l.line).join(', ')}: not mapped: build.sh pulls only the first image (line ${first.line})`,
    );
  }
  let image = values ? renderLeniently(first.text, values) : first.text;
  // A sed-escaped render (`cp-kafka:7\.5\.0`): docker refuses the backslashes, so build.sh's pull failed.
  if (image.includes('\\')) {
    const unescaped = image.replace(/\\/g, '');
    notes.push(
      `${file}: ${image} has backslashes docker refuses (build.sh's pull failed on it); mapped as ${unescaped}`,
    );
    image = unescaped;
  }
  const unresolved = values ? placeholders(image).map((p) => p.name) : [];
  if (unresolved.length > 0) {
    notes.push(
      `${file}: no value in .env.example for ${unresolved.join(', ')}: upstream left as ${image}; edit "upstream" in multiarch.json (the plugin does not render it)`,
    );
  }
  return { image, notes };
}
