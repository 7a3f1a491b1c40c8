import { substitute } from './substitute';

export interface FromInstruction {
  /** 1-based line of the instruction. */
  line: number;
  /** The image or stage name after ARG substitution. */
  ref: string;
  /** `--platform=` value after substitution, if given. */
  platform?: string;
  /** `AS <alias>` (lower-cased, as Docker matches it). */
  alias?: string;
  /** `scratch`, an earlier stage, or an image to pull. */
  kind: 'scratch' | 'stage' | 'image';
  /** Variables that had no value during substitution. */
  unresolved: string[];
}

export interface CopyFromReference {
  line: number;
  ref: string;
  kind: 'stage' | 'image';
}

export interface ParsedDockerfile {
  /** `ARG` defaults declared before the first FROM (undefined when declared without a default). */
  globalArgs: Record<string, string | undefined>;
  /** Every ARG name declared anywhere (what `--build-arg` may set). */
  declaredArgs: string[];
  stages: FromInstruction[];
  copyFrom: CopyFromReference[];
  /** Images this Dockerfile pulls (FROM and COPY --from / RUN --mount from=), in order, unique. */
  images: string[];
  /** Ids of the BuildKit secrets `RUN --mount=type=secret` reads, in order, unique. */
  secrets: string[];
}

/** `type=secret,id=npm,target=/root/.npmrc`: BuildKit takes the id from the target's file name when none is given. */
export function secretMountId(mount: string): string | undefined {
  const options = Object.fromEntries(
    mount.split(',').map((part) => {
      const eq = part.indexOf('=');
      return eq < 0 ? [part.toLowerCase(), ''] : [part.slice(0, eq).toLowerCase(), part.slice(eq + 1)];
    }),
  );
  if (options.type !== 'secret') return undefined;
  const target: string = options.target ?? options.dst ?? options.destination ?? '';
  return options.id || target.split('/').pop() || undefined;
}

interface Instruction {
  line: number;
  keyword: string;
  rest: string;
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
// Any other `# key=value` line is a comment, and ends the directives.
const KNOWN_DIRECTIVES = ['syntax', 'escape', 'check'];
// Instructions whose line may open heredocs (`<<EOF`, `<<-EOF`, `<<"EOF"`); their bodies are not instructions.
const HEREDOC_KEYWORDS = ['RUN', 'COPY', 'ADD'];

// Splits on whitespace outside quotes, keeping the quotes (enough to spot a `<<EOF` word).
function shellWords(text: string): string[] {
  return text.match(/(?:[^\s"'\\]+|"(?:[^"\\]|\\.)*"?|'[^']*'?|\\.?)+/gs) ?? [];
}

function heredocs({ keyword, rest }: Instruction): Array<{ name: string; chomp: boolean }> {
  if (!rest.includes('<<')) return [];
  // BuildKit keeps whitespace right after `<<` in the word: `<< EOF` opens a heredoc too.
  const words = shellWords(rest.replace(/(^|\s)(\d*<<)\s+/g, '$1$2'));
  const command = keyword === 'ONBUILD' ? (words.shift() ?? '').toUpperCase() : keyword;
  if (!HEREDOC_KEYWORDS.includes(command)) return [];
  return words
    .map((word) => /^\d*<<(-?)([^<]*)$/.exec(word))
    .map((m) => ({ name: m?.[2].replace(/["']/g, '') ?? '', chomp: m?.[1] === '-' }))
    .filter(({ name }) => name !== '');
}

// Joins continuation lines and drops comments and heredoc bodies, honouring the `# escape=` parser directive.
export function instructions(text: string): Instruction[] {
  const lines = text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  let escape = '\\';
  let index = 0;
  for (; index < lines.length; index++) {
    const directive = DIRECTIVE.exec(lines[index].trim());
    if (!directive || !KNOWN_DIRECTIVES.includes(directive[1].toLowerCase())) break;
    if (directive[1].toLowerCase() === 'escape' && ['\\', '`'].includes(directive[2])) escape = directive[2];
  }
  // The escape token ends a line to continue it, unless it is itself escaped; Docker joins the lines as they are.
  const e = escape === '\\' ? '\\\\' : escape;
  const continuation = new RegExp(`(^|[^${e}])${e}[ \\t]*$`);
  const result: Instruction[] = [];
  let buffer: string | undefined;
  let start = 0;
  const flush = (): Instruction | undefined => {
    const match = /^\s*(\S+)\s*(.*)$/s.exec(buffer ?? '');
    buffer = undefined;
    if (!match) return undefined;
    const instruction = { line: start, keyword: match[1].toUpperCase(), rest: match[2].trim() };
    result.push(instruction);
    return instruction;
  };
  for (; index < lines.length; index++) {
    const line = lines[index];
    const trimmed = line.trim();
    // Comments are dropped even inside a continuation; so are empty continuation lines (Docker warns about those).
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (buffer === undefined) start = index + 1;
    const continued = continuation.test(line);
    buffer = (buffer ?? '') + (continued ? line.replace(continuation, '$1') : line);
    if (continued) continue;
    const instruction = flush();
    for (const { name, chomp } of instruction ? heredocs(instruction) : []) {
      while (++index < lines.length && (chomp ? lines[index].replace(/^\t+/, '') : lines[index]) !== name);
    }
  }
  flush();
  return result;
}

// Flags come before the first other word; `--mount` may repeat, so its values are also kept in order.
function parseFlags(rest: string): { flags: Record<string, string>; mounts: string[]; words: string[] } {
  const flags: Record<string, string> = {};
  const mounts: string[] = [];
  const words: string[] = [];
  for (const word of rest.split(/\s+/).filter(Boolean)) {
    const flag = /^--([a-z-]+)(?:=(.*))?$/.exec(word);
    if (flag && words.length === 0) {
      flags[flag[1]] = flag[2] ?? 'true';
      if (flag[1] === 'mount' && flag[2]) mounts.push(flag[2]);
    } else words.push(word);
  }
  return { flags, mounts, words };
}

// `ARG a b=1 c="x y"`: name and raw value (quotes kept), undefined when there is no `=`.
function parseArg(rest: string): Array<[string, string | undefined]> {
  return shellWords(rest).map((item) => {
    const eq = item.indexOf('=');
    if (eq < 0) return [item, undefined];
    return [item.slice(0, eq), item.slice(eq + 1)];
  });
}

// An ARG default is expanded with the ARGs before it; single quotes keep it literal, as in a shell.
function argDefault(raw: string, scope: Readonly<Record<string, string | undefined>>): string {
  const quoted = /^(["'])(.*)\1$/s.exec(raw);
  if (quoted?.[1] === "'") return quoted[2];
  return substitute(quoted ? quoted[2] : raw, scope).value;
}

// ARGs BuildKit defines in the global scope by itself, so FROM can use them without an `ARG` line.
export const AUTOMATIC_ARGS = [
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETARCH',
  'TARGETVARIANT',
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDARCH',
  'BUILDVARIANT',
];

/**
 * Parses what the build graph needs from a Dockerfile. Pure: no file system, no network.
 * `args` are values known from outside (build args, TARGETARCH...), overriding ARG defaults as Docker does.
 * As in Docker, FROM sees only the global ARGs (declared before the first FROM) and the automatic platform ARGs:
 * a build arg with no global `ARG` line does not reach it.
 */
export function parseDockerfile(text: string, args: Readonly<Record<string, string>> = {}): ParsedDockerfile {
  const globalArgs: Record<string, string | undefined> = {};
  const declared = new Set<string>();
  const stages: FromInstruction[] = [];
  const copyFrom: CopyFromReference[] = [];
  const images: string[] = [];
  const secrets: string[] = [];
  const addImage = (ref: string) => {
    if (!images.includes(ref)) images.push(ref);
  };
  // What FROM (and --from) can see: automatic platform ARGs, then global ARGs as they are declared.
  const scope: Record<string, string | undefined> = {};
  for (const name of AUTOMATIC_ARGS) if (Object.hasOwn(args, name)) scope[name] = args[name];
  // FROM and `--mount from=` name earlier stages only by alias; COPY `--from` may also give a stage's index.
  const isStage = (ref: string, byIndex: boolean) =>
    stages.some((s) => s.alias === ref.toLowerCase()) || (byIndex && /^\d+$/.test(ref) && Number(ref) < stages.length);

  for (const { line, keyword, rest } of instructions(text)) {
    if (keyword === 'ARG') {
      for (const [name, raw] of parseArg(rest)) {
        declared.add(name);
        if (stages.length > 0) continue;
        if (Object.hasOwn(args, name)) globalArgs[name] = args[name];
        else if (raw !== undefined) globalArgs[name] = argDefault(raw, scope);
        else if (!Object.hasOwn(globalArgs, name)) globalArgs[name] = undefined;
        scope[name] = globalArgs[name];
      }
    } else if (keyword === 'FROM') {
      const { flags, words } = parseFlags(rest);
      const { value: ref, unresolved } = substitute(words[0] ?? '', scope);
      const platform = flags.platform === undefined ? undefined : substitute(flags.platform, scope).value;
      const alias = words[1]?.toUpperCase() === 'AS' && words[2] ? words[2].toLowerCase() : undefined;
      const kind = ref.toLowerCase() === 'scratch' ? 'scratch' : isStage(ref, false) ? 'stage' : 'image';
      stages.push({ line, ref, kind, unresolved, ...(platform && { platform }), ...(alias && { alias }) });
      if (kind === 'image') addImage(ref);
    } else if (keyword === 'COPY' || keyword === 'RUN') {
      const { flags, mounts } = parseFlags(rest);
      const refs: string[] = [];
      // BuildKit does not expand variables in COPY --from (https://github.com/moby/buildkit/pull/6153): no image.
      if (keyword === 'COPY' && flags.from && !flags.from.includes('$')) refs.push(flags.from);
      for (const mount of keyword === 'RUN' ? mounts : []) {
        const from = /(?:^|,)from=([^,]+)/i.exec(mount);
        if (from) refs.push(from[1]);
        const secret = secretMountId(mount);
        if (secret && !secrets.includes(secret)) secrets.push(secret);
      }
      for (const raw of refs) {
        const ref = substitute(raw, scope).value;
        const kind = isStage(ref, keyword === 'COPY') ? 'stage' : 'image';
        copyFrom.push({ line, ref, kind });
        if (kind === 'image') addImage(ref);
      }
    }
  }
  return { globalArgs, declaredArgs: [...declared], stages, copyFrom, images, secrets };
}
