import { buildArgs, resolveBuildNetwork } from '../../cli/buildx/build';
import { attestationFlags } from '../../core/image/attestations';
import { INPUTS_LABEL } from '../../core/image/labels';
import { cacheFlags } from '../../core/image/cache';
import { proxyBuildArgs } from '../../core/network/proxy';
import type { BuildSource, NormalizedBuildImageOptions } from '../../core/options/build-image';
import type { Arch } from '../../core/platform';
import type { BuildSecrets } from '../../core/secret/build-secrets';
import type { BuildEnvironment } from './environment';
import { layoutOutput } from './produced';

/** What running build-time services add to one build. */
export interface ServiceInputs {
  buildArgs: Record<string, string>;
  addHosts: string[];
}

/** What every build of one task takes its flags from. */
export interface BuildInputs {
  options: NormalizedBuildImageOptions;
  environment: BuildEnvironment;
  secrets: BuildSecrets;
  services: ServiceInputs;
  /** `--label`s of every image: the OCI defaults from the checkout, then the user's (prepareBuild). */
  labels?: Record<string, string>;
}

/** Where one build's image goes, as the plan of that (image, platform) decided. */
export interface BuildOutputs {
  refs: string[];
  metadataFile: string;
  load: boolean;
  push: boolean;
  /** The OCI layout for dependents, when one is written. */
  layout?: string;
  /** `--build-context` values: the images of other components this build uses. */
  contexts: string[];
  /** Push-only: the inputs hash labelled on the image, for another machine to reuse it (INPUTS_LABEL). */
  inputsLabel?: string;
}

/**
 * The buildx argv of one Dockerfile build, per attempt (`noCache` after a failure that pointed at the cache).
 * Network and cache flags are settled now, so a bad option fails the plan, not an attempt.
 */
export function dockerfileArgv(
  inputs: BuildInputs,
  source: Extract<BuildSource, { kind: 'dockerfile' }>,
  image: { name: string; target?: string },
  arch: Arch,
  out: BuildOutputs,
): (noCache: boolean) => string[] {
  const { options, environment, services } = inputs;
  const driver = environment.builder?.driver ?? 'docker';
  const network = resolveBuildNetwork(options.network, environment.builder, `project ${options.project}`);
  const cache = cacheFlags(options.cache, options.naming, image.name, arch, driver, `project ${options.project}`);
  const { flags } = options;
  const { provenance, sbom } = attestationFlags(flags, driver, out.load);
  return (noCache: boolean) =>
    buildArgs({
      ...(environment.builder && { builder: environment.builder.name }),
      context: source.context,
      dockerfile: source.dockerfile,
      platform: arch,
      tags: out.refs,
      ...(image.target && { target: image.target }),
      // Predefined proxy ARGs stay out of the cache key and the image history; then .env, the component, services.
      buildArgs: {
        ...proxyBuildArgs(environment.proxies.runSteps),
        ...environment.envArgs.args,
        ...options.buildArgs,
        ...services.buildArgs,
      },
      addHosts: services.addHosts,
      labels: { ...(inputs.labels ?? flags.labels), ...(out.inputsLabel && { [INPUTS_LABEL]: out.inputsLabel }) },
      annotations: flags.annotations,
      secrets: inputs.secrets.flags,
      ssh: flags.ssh,
      buildContexts: out.contexts,
      cacheFrom: cache.from,
      cacheTo: cache.to,
      ...(out.layout && { outputs: [layoutOutput(out.layout)] }),
      metadataFile: out.metadataFile,
      load: out.load,
      push: out.push,
      ...(network && { network }),
      noCache: noCache || flags.noCache,
      pull: flags.pull,
      ...(provenance && { provenance }),
      ...(sbom && { sbom }),
      extraArgs: flags.extraArgs,
    });
}
