import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';

/**
 * A build context wider than the component (a repository root, as build.sh used): what buildx sends of it, and what
 * Nx hashes. https://docs.docker.com/build/concepts/context/#dockerignore-files
 */

/**
 * Nx input exclusions (`!{base}/<pattern>`) for a .dockerignore: each pattern and everything under it. With any
 * `!` re-inclusion none: hashing a file too many costs a rebuild, hashing one too few a stale image.
 */
export function dockerignoreExclusions(text: string): string[] {
  const patterns = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (patterns.some((p) => p.startsWith('!'))) return [];
  return patterns
    .map((p) => p.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, ''))
    .filter((p) => p !== '' && p !== '.' && p !== '*' && p !== '**')
    .flatMap((p) => [p, `${p}/**`]);
}

// Names that hold credentials more often than not; the committed `.env.example` and friends do not.
const SENSITIVE =
  /(?:^|\/)(?:\.env(?:\.(?!example$|sample$|template$|dist$)[^/]+)?|id_(?:rsa|dsa|ecdsa|ed25519)|\.npmrc|\.netrc|\.pypirc|credentials(?:\.json)?|\.docker\/config\.json)$|\.(?:pem|key|p12|pfx|jks|keystore|crt|cer)$/i;

export function isSensitive(path: string): boolean {
  return SENSITIVE.test(path);
}

export interface ContextFiles {
  files: number;
  bytes: number;
  /** Context-relative paths that look like secrets. */
  sensitive: string[];
  /** The walk stopped at its limit: the counts are lower bounds. */
  truncated: boolean;
}

/** Counts what buildx would send of `dir` without a .dockerignore, up to `limit` files. */
export function walkContext(dir: string, limit = 100_000): ContextFiles {
  const found: ContextFiles = { files: 0, bytes: 0, sensitive: [], truncated: false };
  const stack = [dir];
  while (stack.length > 0 && !found.truncated) {
    const current = stack.pop() as string;
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) stack.push(path);
      else if (entry.isFile()) {
        found.files += 1;
        found.bytes += statSync(path).size;
        const rel = relative(dir, path);
        if (isSensitive(rel)) found.sensitive.push(rel);
        if (found.files >= limit) {
          found.truncated = true;
          break;
        }
      }
    }
  }
  found.sensitive.sort();
  return found;
}

/** Whether a .dockerignore applies: the context's, or the one BuildKit reads beside the Dockerfile. */
export function hasDockerignore(context: string, dockerfile: string): boolean {
  return (
    existsSync(join(context, '.dockerignore')) ||
    existsSync(join(dirname(dockerfile), `${basename(dockerfile)}.dockerignore`))
  );
}

const size = (bytes: number) =>
  bytes >= 1024 ** 3
    ? `${(bytes / 1024 ** 3).toFixed(1)} GB`
    : bytes >= 1024 ** 2
      ? `${(bytes / 1024 ** 2).toFixed(1)} MB`
      : `${Math.ceil(bytes / 1024)} kB`;

/** The one warning for a wide context without a .dockerignore: how much it sends, which secrets ride along. */
export function contextWarning(project: string, context: string, found: ContextFiles): string {
  const more = found.truncated ? 'at least ' : '';
  const shown = found.sensitive.slice(0, 5).join(', ');
  const rest = found.sensitive.length > 5 ? ` and ${found.sensitive.length - 5} more` : '';
  const secrets =
    found.sensitive.length > 0
      ? `, including ${shown}${rest}: secrets in the context reach the builder, and a COPY . puts them in the image`
      : '';
  return (
    `${project}: the build context ${context} has no .dockerignore, so buildx sends all of it: ` +
    `${more}${found.files} files, ${more}${size(found.bytes)}${secrets}. ` +
    `Fix: add ${join(context, '.dockerignore')} listing what no image needs (.git, node_modules, dist, .env, *.pem, *.key)`
  );
}
