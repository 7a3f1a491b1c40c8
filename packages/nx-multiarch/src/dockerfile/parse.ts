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
}

interface Instruction {
  line: number;
  keyword: string;
  rest: string;
}

const DIRECTIVE = /^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/;

// Joins continuation lines and drops comments, honouring the `# escape=` parser directive.
export function instructions(text: string): Instruction[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let escape = '\\';
  let index = 0;
  for (; index < lines.length; index++) {
    const directive = DIRECTIVE.exec(lines[index]);
    if (!directive) break;
    if (directive[1].toLowerCase() === 'escape') escape = directive[2];
  }
  const result: Instruction[] = [];
  let buffer = '';
  let start = 0;
  for (; index < lines.length; index++) {
    const line = lines[index];
    const trimmed = line.trim();
    if (buffer === '' && (trimmed === '' || trimmed.startsWith('#'))) continue;
    if (buffer !== '' && trimmed.startsWith('#')) continue;
    if (buffer === '') start = index + 1;
    const continued = line.trimEnd().endsWith(escape);
    buffer += continued ? line.trimEnd().slice(0, -escape.length) + ' ' : line;
    if (continued && index < lines.length - 1) continue;
    const match = /^\s*(\S+)\s*(.*)$/s.exec(buffer);
    if (match) result.push({ line: start, keyword: match[1].toUpperCase(), rest: match[2].trim() });
    buffer = '';
  }
  return result;
}

function parseFlags(rest: string): { flags: Record<string, string>; words: string[] } {
  const flags: Record<string, string> = {};
  const words: string[] = [];
  for (const word of rest.split(/\s+/).filter(Boolean)) {
    const flag = /^--([a-z-]+)(?:=(.*))?$/.exec(word);
    if (flag && words.length === 0) flags[flag[1]] = flag[2] ?? 'true';
    else words.push(word);
  }
  return { flags, words };
}

function parseArg(rest: string): Array<[string, string | undefined]> {
  return rest
    .split(/\s+/)
    .filter(Boolean)
    .map((item) => {
      const eq = item.indexOf('=');
      if (eq < 0) return [item, undefined];
      return [item.slice(0, eq), item.slice(eq + 1).replace(/^(["'])(.*)\1$/, '$2')];
    });
}

/**
 * Parses what the build graph needs from a Dockerfile. Pure: no file system, no network.
 * `args` are values known from outside (build args, TARGETARCH...), overriding ARG defaults as Docker does.
 */
export function parseDockerfile(text: string, args: Readonly<Record<string, string>> = {}): ParsedDockerfile {
  const globalArgs: Record<string, string | undefined> = {};
  const declared = new Set<string>();
  const stages: FromInstruction[] = [];
  const copyFrom: CopyFromReference[] = [];
  const images: string[] = [];
  const addImage = (ref: string) => {
    if (!images.includes(ref)) images.push(ref);
  };
  const isStage = (ref: string) =>
    stages.some((s) => s.alias === ref.toLowerCase()) || (/^\d+$/.test(ref) && Number(ref) < stages.length);

  for (const { line, keyword, rest } of instructions(text)) {
    if (keyword === 'ARG') {
      for (const [name, value] of parseArg(rest)) {
        declared.add(name);
        if (stages.length === 0) globalArgs[name] = Object.hasOwn(args, name) ? args[name] : value;
      }
    } else if (keyword === 'FROM') {
      const { flags, words } = parseFlags(rest);
      const scope = { ...globalArgs, ...args };
      const { value: ref, unresolved } = substitute(words[0] ?? '', scope);
      const platform = flags.platform === undefined ? undefined : substitute(flags.platform, scope).value;
      const alias = words[1]?.toUpperCase() === 'AS' && words[2] ? words[2].toLowerCase() : undefined;
      const kind = ref.toLowerCase() === 'scratch' ? 'scratch' : isStage(ref) ? 'stage' : 'image';
      stages.push({ line, ref, kind, unresolved, ...(platform && { platform }), ...(alias && { alias }) });
      if (kind === 'image') addImage(ref);
    } else if (keyword === 'COPY' || keyword === 'RUN') {
      const { flags } = parseFlags(rest);
      const refs: string[] = [];
      if (keyword === 'COPY' && flags.from) refs.push(flags.from);
      for (const mount of rest.matchAll(/--mount=(\S+)/g)) {
        const from = /(?:^|,)from=([^,]+)/.exec(mount[1]);
        if (from) refs.push(from[1]);
      }
      for (const raw of refs) {
        const ref = substitute(raw, { ...globalArgs, ...args }).value;
        const kind = isStage(ref) ? 'stage' : 'image';
        copyFrom.push({ line, ref, kind });
        if (kind === 'image') addImage(ref);
      }
    }
  }
  return { globalArgs, declaredArgs: [...declared], stages, copyFrom, images };
}
