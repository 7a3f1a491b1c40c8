import { z } from 'zod';
import { ConfigError } from '../failure/errors';
import type { AttestationSettings } from '../image/attestations';
import type { LabelSettings } from '../image/labels';

/** build-image options that become buildx flags as they are (build-push-action's names where it has them). */
export const buildFlagsShape = {
  ociLabels: z.boolean().default(true),
  labels: z.record(z.string().min(1), z.string()).default({}),
  annotations: z.array(z.string().regex(/^[^=]+=/, { error: 'expected key=value' })).default([]),
  provenance: z
    .union([z.boolean(), z.enum(['min', 'max'])], { error: 'expected false, true, "min" or "max"' })
    .optional(),
  sbom: z.boolean().optional(),
  noCache: z.boolean().default(false),
  pull: z.boolean().default(false),
  ssh: z.array(z.string().min(1)).default([]),
  extraArgs: z.array(z.string()).default([]),
};

export interface BuildFlags extends LabelSettings, AttestationSettings {
  /** `--annotation` values (`key=value`, optionally `manifest:` / `index:` prefixed as buildx takes them). */
  annotations: string[];
  /** `--no-cache` on every attempt, not only after a failure that pointed at the cache. */
  noCache: boolean;
  pull: boolean;
  /** `--ssh` values: `default` or `id=path`. */
  ssh: string[];
  /** Appended to the buildx argv as they are, after the plugin's own flags were refused. */
  extraArgs: string[];
}

// The flags the plugin sets itself, and the option that sets each: passing one twice would fight the plugin.
const OWNED: Array<[flags: string[], option: string]> = [
  [['--platform'], 'platform (--platform=amd64,arm64)'],
  [['--tag', '-t'], 'tag / tags'],
  [['--file', '-f'], 'dockerfile'],
  [['--target'], 'images[].target'],
  [['--builder'], 'the builder-setup options (plugin option builder)'],
  [['--load'], 'load'],
  [['--push'], 'push'],
  [['--output', '-o'], 'load / push'],
  [['--metadata-file', '--iidfile'], 'outputPath (the plugin reads what buildx writes)'],
  [['--progress'], 'none: the plugin reads plain progress to report steps and failures'],
  [['--cache-from'], 'cacheFrom / registryCache'],
  [['--cache-to'], 'cacheTo / registryCache'],
  [['--build-arg'], 'buildArgs'],
  [['--build-context'], 'none: the plugin passes the images of the components it builds FROM'],
  [['--secret'], 'secrets'],
  [['--network'], 'network'],
  [['--add-host'], 'services (build-time services get their host entries)'],
  [['--label'], 'labels'],
  [['--annotation'], 'annotations'],
  [['--provenance'], 'provenance'],
  [['--sbom'], 'sbom'],
  [['--attest'], 'provenance / sbom'],
  [['--no-cache'], 'noCache'],
  [['--pull'], 'pull'],
  [['--ssh'], 'ssh'],
];

/** The plugin option for a flag the plugin owns (`--tag`, `--tag=x`, `-t`, `-tx`, `-qt`), else undefined. */
export function ownedFlagOption(arg: string): string | undefined {
  const name = arg.startsWith('--') ? arg.split('=')[0] : undefined;
  // Short flags bundle (`-qt x`) and take their value attached (`-tx`): any of t, f, o among them is one of ours.
  const shorts = !name && /^-[^-]/.test(arg) ? [...arg.slice(1).split('=')[0]].map((c) => `-${c}`) : [];
  return OWNED.find(([flags]) => (name ? flags.includes(name) : shorts.some((s) => flags.includes(s))))?.[1];
}

/** The flags of the parsed options; extraArgs that the plugin sets itself are refused, naming the option to use. */
export function buildFlagsOf(o: z.output<z.ZodObject<typeof buildFlagsShape>>, source: string): BuildFlags {
  for (const arg of o.extraArgs) {
    const option = ownedFlagOption(arg);
    if (option) {
      throw new ConfigError(source, 'extraArgs', `${arg} is a flag the plugin sets itself`, `use ${option} instead`);
    }
  }
  return {
    ociLabels: o.ociLabels,
    labels: o.labels,
    annotations: o.annotations,
    ...(o.provenance !== undefined && { provenance: o.provenance }),
    ...(o.sbom !== undefined && { sbom: o.sbom }),
    noCache: o.noCache,
    pull: o.pull,
    ssh: o.ssh,
    extraArgs: o.extraArgs,
  };
}
