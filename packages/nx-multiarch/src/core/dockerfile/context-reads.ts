import { instructions } from './parse';

/**
 * What of its build context a Dockerfile reads: the local sources of COPY and ADD and the context bind mounts of RUN.
 * BuildKit transfers only these from the context (the rest is never sent), so only these can change the image.
 */
export interface ContextReads {
  /** It reads all of it (`COPY . .`, a bind mount of the context), or a source this cannot resolve. */
  whole: boolean;
  /** Context-relative paths or Docker wildcards, without `./` or a trailing `/`, unique; empty when `whole`. */
  paths: string[];
}

const WHOLE: unique symbol = Symbol('whole');
type Source = string | typeof WHOLE;

// A frontend other than Docker's own may read the context any way it likes.
const DIRECTIVE = /^#\s*([a-z]+)\s*=\s*(\S+)/i;
const DOCKER_FRONTEND = /^(docker\.io\/)?docker\/dockerfile(-upstream)?([:@]|$)/;
// ADD fetches these itself: nothing comes from the context.
const REMOTE = /^([a-z][a-z0-9+.-]*:\/\/|git@)/i;

// A source path as BuildKit resolves it against the context root; WHOLE for the root itself, or one it cannot tell.
function source(raw: string): Source {
  // ARG and ENV values (and unrendered {{placeholders}}) are known only at build time.
  if (raw.includes('$') || raw.includes('{{')) return WHOLE;
  const path = raw
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/');
  if (path === '' || path.split('/').includes('..')) return WHOLE;
  return path;
}

// Flags first (`--from=stage`, `--chown=...`, `--mount=...`), then the other words.
function split(rest: string): { flags: string[]; words: string[] } {
  const all = rest.split(/\s+/).filter(Boolean);
  const first = all.findIndex((word) => !word.startsWith('--'));
  return first < 0 ? { flags: all, words: [] } : { flags: all.slice(0, first), words: all.slice(first) };
}

function copySources(keyword: string, rest: string): Source[] {
  const { flags, words } = split(rest);
  // From a stage, an image or a named context: not this context.
  if (flags.some((flag) => flag.startsWith('--from='))) return [];
  const tail = words.join(' ');
  let paths: string[];
  try {
    paths = tail.startsWith('[') ? (JSON.parse(tail) as string[]) : words;
  } catch {
    return [WHOLE];
  }
  return paths
    .slice(0, -1)
    .filter((path) => !/^\d*<</.test(path) && !(keyword === 'ADD' && REMOTE.test(path)))
    .map(source);
}

// `RUN --mount=type=bind,source=x`: a bind mount (the default type) without `from` mounts the context.
function mountSources(rest: string): Source[] {
  return split(rest)
    .flags.filter((flag) => flag.startsWith('--mount='))
    .flatMap((flag) => {
      const options = new Map(
        flag
          .slice('--mount='.length)
          .split(',')
          .map((part) => [part.split('=')[0].toLowerCase(), part.slice(part.indexOf('=') + 1)] as const),
      );
      if ((options.get('type') ?? 'bind') !== 'bind' || options.has('from')) return [];
      return [source(options.get('source') ?? options.get('src') ?? '.')];
    });
}

/** Pure: the Dockerfile text (a template's too: an unrendered placeholder in a source reads the whole context). */
export function contextReads(text: string): ContextReads {
  for (const line of text.replace(/^\uFEFF/, '').split('\n')) {
    const directive = DIRECTIVE.exec(line.trim());
    if (!directive) break;
    if (directive[1].toLowerCase() === 'syntax' && !DOCKER_FRONTEND.test(directive[2]))
      return { whole: true, paths: [] };
  }
  const sources = instructions(text).flatMap(({ keyword, rest }) =>
    keyword === 'COPY' || keyword === 'ADD' ? copySources(keyword, rest) : keyword === 'RUN' ? mountSources(rest) : [],
  );
  if (sources.includes(WHOLE)) return { whole: true, paths: [] };
  return { whole: false, paths: [...new Set(sources as string[])] };
}
