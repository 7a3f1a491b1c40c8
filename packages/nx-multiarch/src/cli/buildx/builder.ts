import type { BuilderNode } from '../../core/options/builder-setup';
import { PluginError } from '../../core/failure/errors';
import { redactText } from '../../core/network/proxy';
import { buildkitdConfigFlag, type BuildxVersion } from './version';

export type BuilderDriver = 'docker' | 'docker-container' | 'remote';

export interface BuilderSpec {
  name: string;
  driver: Exclude<BuilderDriver, 'docker'>;
  nodes: BuilderNode[];
  /** `--driver-opt` key=value pairs, in order (network=host, image=..., env.*). */
  driverOpts: Array<[string, string]>;
  buildkitdFlags: string[];
  configFile?: string;
  bootstrap: boolean;
}

/** Env driver option carrying a hash of everything that defines the builder, read back by `inspect`. */
export const FINGERPRINT_OPT = 'env.NX_MULTIARCH_FINGERPRINT';

/** buildx reads each `--driver-opt` as CSV: a value with a comma or quote must be a quoted field. */
export function driverOptArg(key: string, value: string): string {
  const pair = `${key}=${value}`;
  return /[",\n]/.test(pair) ? `"${pair.replace(/"/g, '""')}"` : pair;
}

/** One argv per node: the first creates the builder, the others `--append` (native nodes per platform). */
export function createBuilderArgs(spec: BuilderSpec, version: BuildxVersion): string[][] {
  return spec.nodes.map((node, index) => {
    const args = ['buildx', 'create', '--name', spec.name];
    if (index > 0) args.push('--append');
    args.push('--node', node.name, '--driver', spec.driver);
    for (const [key, value] of spec.driverOpts) args.push('--driver-opt', driverOptArg(key, value));
    if (spec.driver === 'docker-container') {
      if (spec.buildkitdFlags.length) args.push('--buildkitd-flags', spec.buildkitdFlags.join(' '));
      if (spec.configFile) args.push(buildkitdConfigFlag(version), spec.configFile);
    }
    if (node.platforms.length) args.push('--platform', node.platforms.join(','));
    if (spec.bootstrap && index === spec.nodes.length - 1) args.push('--bootstrap');
    if (node.endpoint) args.push(node.endpoint);
    return args;
  });
}

export function inspectBuilderArgs(name: string): string[] {
  return ['buildx', 'inspect', name];
}

export function removeBuilderArgs(name: string): string[] {
  return ['buildx', 'rm', name];
}

export interface InspectedNode {
  name: string;
  endpoint: string;
  status: string;
  driverOptions: Record<string, string>;
  buildkitdFlags: string[];
  platforms: string[];
  /** Those fixed by `--platform` at create time (buildx marks them `*`). */
  declaredPlatforms: string[];
  buildkitVersion?: string;
  /** buildkitd.toml as buildx stored it (shown by buildx >= 0.14 or so). */
  config?: string;
}

export interface InspectedBuilder {
  name: string;
  driver: string;
  nodes: InspectedNode[];
}

function parseDriverOptions(text: string): Record<string, string> {
  const options: Record<string, string> = {};
  for (const match of text.matchAll(/([\w.-]+)="((?:[^"\\]|\\.)*)"/g))
    options[match[1]] = match[2].replace(/\\"/g, '"');
  return options;
}

/** Parses `docker buildx inspect <name>` (text; tested on buildx 0.13 and 0.29 output). */
export function parseBuilderInspect(text: string): InspectedBuilder {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const field = (line: string) => /^([A-Za-z][A-Za-z# .]*?):\s*(.*)$/.exec(line);
  const builder: InspectedBuilder = { name: '', driver: '', nodes: [] };
  let node: InspectedNode | undefined;
  let inConfig = false;
  for (const line of lines) {
    if (inConfig && line.startsWith(' > ')) {
      node!.config = `${node!.config ?? ''}${line.slice(3)}\n`;
      continue;
    }
    if (inConfig && line === ' >') {
      node!.config = `${node!.config ?? ''}\n`;
      continue;
    }
    inConfig = false;
    const match = field(line);
    if (!match) continue;
    const [, key, value] = match;
    if (key === 'Nodes') continue;
    if (key === 'Name' && builder.name === '') builder.name = value;
    else if (key === 'Driver' && !node) builder.driver = value;
    else if (key === 'Name') {
      node = {
        name: value,
        endpoint: '',
        status: '',
        driverOptions: {},
        buildkitdFlags: [],
        platforms: [],
        declaredPlatforms: [],
      };
      builder.nodes.push(node);
    } else if (node && key === 'Endpoint') node.endpoint = value;
    else if (node && key === 'Status') node.status = value;
    else if (node && key === 'Driver Options') node.driverOptions = parseDriverOptions(value);
    else if (node && key === 'BuildKit daemon flags') node.buildkitdFlags = value.split(/\s+/).filter(Boolean);
    else if (node && (key === 'BuildKit version' || key === 'BuildKit')) node.buildkitVersion = value;
    else if (node && key === 'Platforms') {
      const listed = value
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      node.platforms = listed.map((p) => p.replace(/\*$/, ''));
      node.declaredPlatforms = listed.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1));
    } else if (node && key.startsWith('File#buildkitd.toml')) inConfig = true;
  }
  if (!builder.name || !builder.driver) {
    throw new PluginError(`unexpected docker buildx inspect output: ${redactText(text.trim().slice(0, 300))}`);
  }
  return builder;
}

/** `ERROR: no builder "x" found`: the builder does not exist (as opposed to buildx failing). */
export function isMissingBuilder(output: string): boolean {
  return /no builder .* found/i.test(output);
}

/** Why an existing builder differs from the one wanted; empty when it can be reused as is. */
export function builderDifferences(actual: InspectedBuilder, spec: BuilderSpec): string[] {
  const differences: string[] = [];
  if (actual.driver !== spec.driver) differences.push(`driver is ${actual.driver}, want ${spec.driver}`);
  const wantNodes = spec.nodes.map((n) => n.name).join(',');
  const haveNodes = actual.nodes.map((n) => n.name).join(',');
  if (wantNodes !== haveNodes) differences.push(`nodes are ${haveNodes || 'none'}, want ${wantNodes}`);
  const want = Object.fromEntries(spec.driverOpts);
  for (const node of actual.nodes) {
    const wanted = spec.nodes.find((n) => n.name === node.name);
    if (wanted?.endpoint && wanted.endpoint !== node.endpoint) {
      differences.push(`node ${node.name} endpoint is ${node.endpoint}, want ${wanted.endpoint}`);
    }
    // A node that is down shows no platforms: not a reason to recreate the builder.
    const declared = [...node.declaredPlatforms].sort().join(',');
    if (wanted && node.platforms.length && declared !== [...wanted.platforms].sort().join(',')) {
      differences.push(
        `node ${node.name} is declared for ${declared || 'no platform'}, want ${wanted.platforms.join(',') || 'none'}`,
      );
    }
    if (spec.driver === 'remote') continue;
    if (node.driverOptions[FINGERPRINT_OPT] !== want[FINGERPRINT_OPT]) {
      differences.push(`node ${node.name} was set up from other options or another buildkitd.toml`);
    }
  }
  return differences;
}
