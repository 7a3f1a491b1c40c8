import { DOCKER } from '../../cli/docker/cli';
import { readFileSync } from 'node:fs';
import { diskGitFiles } from '../../core/git/files';
import { readGitFacts } from '../../core/git/revision';
import { createdTime, imageLabels } from '../../core/image/labels';
import type { Log } from '../../core/log';
import type { NormalizedBuildImageOptions } from '../../core/options/build-image';
import { ociPlatform } from '../../core/platform';
import { buildSecrets } from '../../core/secret/build-secrets';
import { masker } from '../../core/secret/mask';
import { redactArgv } from '../../core/secret/names';
import { readBuildEnvironment } from './environment';
import { planImage, type ProduceContext } from './produce';
import { notPlatformsLine } from './summary';

/** Everything a build task needs before its first build, but the images other components produce (Nx knows those). */
export function prepareBuild(
  o: NormalizedBuildImageOptions,
  workspaceRoot: string,
  env: NodeJS.ProcessEnv,
  log: Log,
  // What reuse compares: Nx's hash of the inputs without whether earlier results stand (see ops/cache-key).
  taskHash: string | undefined = env.NX_TASK_HASH,
): Omit<ProduceContext, 'produced'> {
  const project = o.project;
  if (o.notPlatforms.length > 0) log.info(`nx-multiarch: ${notPlatformsLine(project, o.notPlatforms, o.platforms)}`);
  const dockerfile = o.source.kind === 'dockerfile' ? o.source.dockerfile : undefined;
  const environment = readBuildEnvironment({ ...o, workspaceRoot, dockerfile }, env);
  const lookup = { values: environment.values, env, workspaceRoot, readFile: (p: string) => readFileSync(p, 'utf8') };
  const secrets = buildSecrets(environment.secretMounts, o.secrets, lookup, `project ${project}, option secrets`);
  const withheld = environment.envArgs.withheld;
  if (withheld.length > 0) {
    log.warn(
      `nx-multiarch: ${project}: not passing ${withheld.join(', ')} from .env as build args: build args stay readable ` +
        'in the image history; mount them as secrets (RUN --mount=type=secret,id=NAME) and they are passed as such',
    );
  }
  if (secrets.missing.length > 0) {
    log.warn(`nx-multiarch: ${project}: the Dockerfile mounts secret(s) ${secrets.missing.join(', ')}, set nowhere`);
  }
  // Read once per task, and only when used: the checkout's commit and origin for the OCI labels.
  const git = o.flags.ociLabels ? readGitFacts(workspaceRoot, diskGitFiles) : {};
  return {
    options: o,
    environment,
    secrets,
    services: { buildArgs: {}, addHosts: [] },
    labels: imageLabels(o.flags, git, o.naming.tag, createdTime(git, env.SOURCE_DATE_EPOCH)),
    ...(taskHash && { taskHash }),
    mask: masker([...secrets.values, ...withheld.map((name) => environment.values[name])]),
  };
}

/** `--dryRun`: the buildx command of each image and platform, secrets masked, nothing run. */
export function printDryRun(ctx: ProduceContext, log: Log): void {
  for (const arch of ctx.options.platforms) {
    for (const image of ctx.options.images) {
      const argv = redactArgv([DOCKER, ...planImage(ctx, image, arch).argv(false)]);
      log.info(`nx-multiarch: dry run: ${image.name} ${ociPlatform(arch)}: ${ctx.mask(argv.join(' '))}`);
    }
  }
}
