import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { annotationRoot, ciKind } from '../../core/ci/environment';
import { errorCommand } from '../../core/ci/log-commands';
import { failedDockerfileLine } from '../../core/failure/dockerfile-line';
import type { BuildSource } from '../../core/options/build-image';
import { buildTitle, type BuildFailure } from './summary';

/** Where a failed build's annotation is read from: the task's source, its mask, the environment. */
export interface AnnotationInputs {
  source: BuildSource;
  mask: (text: string) => string;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

// GitHub attaches an annotation to a file of the checkout only; a Dockerfile elsewhere gets a plain one.
function repositoryPath(file: string, root: string): string | undefined {
  const path = relative(root, file);
  return path === '' || path.startsWith('..') || isAbsolute(path) ? undefined : path;
}

/**
 * GitHub's `::error` line for a failed build, on the Dockerfile line BuildKit reported in the last attempt's log;
 * undefined outside GitHub Actions. Every part goes through the task's mask.
 */
export function failureAnnotation(failure: BuildFailure, inputs: AnnotationInputs): string | undefined {
  if (ciKind(inputs.env) !== 'github') return undefined;
  const { source, mask } = inputs;
  const dockerfile = source.kind === 'dockerfile' ? source.dockerfile : undefined;
  const file = dockerfile && repositoryPath(dockerfile, annotationRoot(inputs.env, inputs.cwd));
  const log = failure.logFile && existsSync(failure.logFile) ? readFileSync(failure.logFile, 'utf8') : '';
  const line = file ? failedDockerfileLine(log)?.line : undefined;
  return errorCommand({
    ...(file && { file: mask(file) }),
    ...(line && { line }),
    title: mask(`${buildTitle(failure.project, failure.image, failure.platform)}: ${failure.failure.kind}`),
    message: mask(failure.failure.evidence || failure.message),
  });
}
