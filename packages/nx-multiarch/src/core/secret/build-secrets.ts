import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { ConfigError } from '../failure/errors';

/** Where a secret's value comes from: `env:NAME` (the shell or .env) or `file:path` (workspace-relative). */
export type SecretSource = string;

export interface BuildSecrets {
  /** Values of `--secret`: `id=npm_token,env=NPM_TOKEN` or `id=netrc,src=/abs/.netrc`; never a value. */
  flags: string[];
  /** Variables the buildx client needs to read `env=` secrets from (values from .env are not in its environment). */
  env: Record<string, string>;
  /** Every secret value, to mask wherever output is shown or kept. */
  values: string[];
  /** Ids the Dockerfile reads that have no value anywhere. */
  missing: string[];
}

export interface SecretLookup {
  /** Shell over .env over .env.example. */
  values: Readonly<Record<string, string>>;
  env: Readonly<Record<string, string | undefined>>;
  workspaceRoot: string;
  readFile: (path: string) => string;
}

/**
 * The BuildKit secrets of one build: every id the Dockerfile mounts plus every one the component maps, each from its
 * mapping or else the variable named like the id. Secrets never become build args (those stay in the image history).
 */
export function buildSecrets(
  mounted: readonly string[],
  mapped: Readonly<Record<string, SecretSource>>,
  lookup: SecretLookup,
  source: string,
): BuildSecrets {
  const result: BuildSecrets = { flags: [], env: {}, values: [], missing: [] };
  const ids = [...new Set([...mounted, ...Object.keys(mapped)])];
  for (const id of ids) {
    const from = mapped[id] ?? `env:${id}`;
    const match = /^(env|file):(.+)$/.exec(from);
    if (!match) {
      throw new ConfigError(source, `secrets.${id}`, `'${from}' is not a secret source`, 'use env:NAME or file:path');
    }
    const [, kind, name] = match;
    if (kind === 'file') {
      const path = isAbsolute(name) ? name : join(lookup.workspaceRoot, name);
      if (!existsSync(path)) {
        throw new ConfigError(source, `secrets.${id}`, `${path} does not exist`, 'create the file or fix the path');
      }
      result.flags.push(`id=${id},src=${path}`);
      result.values.push(lookup.readFile(path).trim());
      continue;
    }
    const value = Object.hasOwn(lookup.values, name) ? lookup.values[name] : lookup.env[name];
    if (value === undefined || value === '') {
      if (mapped[id] !== undefined) {
        throw new ConfigError(source, `secrets.${id}`, `${name} is not set`, `set ${name} in .env or the environment`);
      }
      result.missing.push(id);
      continue;
    }
    result.flags.push(`id=${id},env=${name}`);
    result.env[name] = value;
    result.values.push(value);
  }
  return result;
}
