import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CreateNodesContextV2, CreateNodesResult } from '@nx/devkit';
import type { NormalizedPluginOptions } from '../../core/options/plugin';
import {
  BUILDER_SETUP_EXECUTOR,
  DIAGNOSE_EXECUTOR,
  PREFETCH_EXECUTOR,
  PREFETCH_TARGET,
  REPORT_EXECUTOR,
  REPORT_TARGET,
  WORKSPACE_TAG,
} from './names';

function workspaceProjectName(options: NormalizedPluginOptions, workspaceRoot: string): string {
  if (options.workspaceProject) return options.workspaceProject;
  const packageJson = join(workspaceRoot, 'package.json');
  const name = existsSync(packageJson)
    ? (JSON.parse(readFileSync(packageJson, 'utf8')) as { name?: string }).name
    : undefined;
  return name ?? 'workspace';
}

// Where the docker CLI and buildx look; the hashers read the files themselves (no workspace file is an input).
const DOCKER_CLIENT_INPUTS = ['DOCKER_HOST', 'DOCKER_CONFIG', 'BUILDX_CONFIG', 'XDG_CONFIG_HOME'].map((env) => ({
  env,
}));

/** The workspace-level project: builder-setup, prefetch, diagnose and report. */
export function workspaceNode(options: NormalizedPluginOptions, context: CreateNodesContextV2): CreateNodesResult {
  return {
    projects: {
      '.': {
        name: workspaceProjectName(options, context.workspaceRoot),
        root: '.',
        tags: [WORKSPACE_TAG],
        metadata: { targetGroups: { 'Docker builder': ['builder-setup', PREFETCH_TARGET, 'diagnose', REPORT_TARGET] } },
        targets: {
          'builder-setup': {
            executor: BUILDER_SETUP_EXECUTOR,
            options: options.builder,
            // Its hasher reads daemon.json, proxies and the builder's container: a hit is a builder needing no work.
            inputs: DOCKER_CLIENT_INPUTS,
            cache: true,
            // One task per run; two runs' setups of one builder serialize on a lock (ops/setup/builder-setup.ts), so
            // it may run beside render and, on the docker driver, prefetch.
            metadata: {
              description: 'Create or update the buildx builder every build uses, configured from daemon.json',
              technologies: ['docker'],
            },
          },
          [PREFETCH_TARGET]: {
            executor: PREFETCH_EXECUTOR,
            options: {
              platform: options.platforms.join(','),
              buildTargetName: options.buildTargetName,
              registry: options.registry,
              imagePrefix: options.imagePrefix,
              tag: options.tag,
              envFile: options.envFile,
              envExample: options.envExample,
              ...(Object.keys(options.templateValues).length > 0 && { values: options.templateValues }),
              ...(options.builder.stateDir && { stateDir: options.builder.stateDir }),
              ...(options.builder.daemonConfig && { daemonConfig: options.builder.daemonConfig }),
              ...(options.prefetch || {}),
            },
            // A container builder is where the images are warmed, so it comes first; the docker driver fetches into
            // the daemon, so on it prefetch and builder-setup run side by side (off each other's critical path).
            dependsOn: options.builder.driver === 'docker' ? [] : [{ target: 'builder-setup', params: 'ignore' }],
            // Its hasher reads the Dockerfiles' base images, the builder, and what it fetched into the daemon.
            inputs: DOCKER_CLIENT_INPUTS,
            cache: true,
            metadata: {
              description:
                'Fetch every base image the builds need, once per (image, platform), where the builder looks for it',
              technologies: ['docker'],
            },
          },
          diagnose: {
            executor: DIAGNOSE_EXECUTOR,
            options: { builder: options.builder, platforms: options.platforms.join(',') },
            cache: false,
            metadata: {
              description:
                'Check daemon, buildx, QEMU, builder, mirrors, proxies and DNS, with a remedy per failing line',
              technologies: ['docker'],
            },
          },
          [REPORT_TARGET]: {
            executor: REPORT_EXECUTOR,
            options: { ...(options.builder.stateDir && { stateDir: options.builder.stateDir }) },
            // It reads the state directory, which no input describes.
            cache: false,
            metadata: {
              description: "Print the last run's matrix of components x platforms, with a remedy per failure",
              technologies: ['docker'],
            },
          },
        },
      },
    },
  };
}
