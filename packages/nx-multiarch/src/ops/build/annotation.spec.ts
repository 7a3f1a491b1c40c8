import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildSource } from '../../core/options/build-image';
import { masker } from '../../core/secret/mask';
import { type AnnotationInputs, failureAnnotation } from './annotation';
import type { BuildFailure } from './summary';

const fixtures = join(__dirname, '../../../test/fixtures');
const logs = mkdtempSync(join(tmpdir(), 'annotation-'));
// Logs as a build leaves them: with BuildKit's excerpt (a container builder) and without (Docker 20.10's BuildKit).
const EXCERPT_LOG = join(logs, 'api-amd64.attempt-1.log');
const PLAIN_LOG = join(logs, 'api-amd64.attempt-2.log');
copyFileSync(join(fixtures, 'buildx/build-0.13-container-run-fails.txt'), EXCERPT_LOG);
copyFileSync(join(fixtures, 'buildx/build-0.13-docker-run-fails.txt'), PLAIN_LOG);

const EVIDENCE =
  'ERROR: failed to solve: process "/bin/sh -c npm run build" did not complete successfully: exit code: 2';
const GITHUB = { GITHUB_ACTIONS: 'true', NX_WORKSPACE_ROOT: '/ws' };
const DOCKERFILE: BuildSource = { kind: 'dockerfile', context: '/ws/apps/api', dockerfile: '/ws/apps/api/Dockerfile' };

const failure = (fields: Partial<BuildFailure> = {}): BuildFailure => ({
  project: 'api',
  image: 'api',
  platform: 'linux/amd64',
  attempts: 1,
  failure: { class: 'permanent', kind: 'run-step', evidence: EVIDENCE },
  logFile: EXCERPT_LOG,
  message: 'docker buildx build exited with code 1',
  durationMs: 4_200,
  finishedAt: '2026-11-25T10:00:42.000Z',
  ...fields,
});

const inputs = (fields: Partial<AnnotationInputs> = {}): AnnotationInputs => ({
  source: DOCKERFILE,
  mask: (text) => text,
  env: GITHUB,
  cwd: '/elsewhere',
  ...fields,
});

describe('failureAnnotation', () => {
  test.each<[string, BuildFailure, AnnotationInputs, string | undefined]>([
    [
      'on the line BuildKit named, the file relative to the workspace',
      failure(),
      inputs(),
      `::error file=apps/api/Dockerfile,line=3,title=api linux/amd64%3A run-step::${EVIDENCE}`,
    ],
    [
      "relative to GitHub's checkout when the workspace is a folder of it",
      failure(),
      inputs({ env: { ...GITHUB, GITHUB_WORKSPACE: '/' } }),
      `::error file=ws/apps/api/Dockerfile,line=3,title=api linux/amd64%3A run-step::${EVIDENCE}`,
    ],
    [
      'relative to the working directory without either',
      failure(),
      inputs({ env: { GITHUB_ACTIONS: 'true' }, cwd: '/ws/apps' }),
      `::error file=api/Dockerfile,line=3,title=api linux/amd64%3A run-step::${EVIDENCE}`,
    ],
    [
      'without a line when BuildKit printed no excerpt',
      failure({ logFile: PLAIN_LOG }),
      inputs(),
      `::error file=apps/api/Dockerfile,title=api linux/amd64%3A run-step::${EVIDENCE}`,
    ],
    [
      'without a line when there is no log (services failed before the build)',
      failure({ logFile: undefined, failure: { class: 'permanent', kind: 'service', evidence: '' } }),
      inputs(),
      '::error file=apps/api/Dockerfile,title=api linux/amd64%3A service::docker buildx build exited with code 1',
    ],
    [
      'without a file for an upstream-only component',
      failure({ project: 'redis', image: 'redis', logFile: undefined }),
      inputs({ source: { kind: 'upstream', upstream: 'redis:7' } }),
      `::error title=redis linux/amd64%3A run-step::${EVIDENCE}`,
    ],
    [
      'without a file for a Dockerfile outside the checkout',
      failure(),
      inputs({ source: { ...DOCKERFILE, dockerfile: '/tmp/rendered/Dockerfile' } }),
      `::error title=api linux/amd64%3A run-step::${EVIDENCE}`,
    ],
    [
      'the image named when the component has several',
      failure({ image: 'api-init' }),
      inputs(),
      `::error file=apps/api/Dockerfile,line=3,title=api/api-init linux/amd64%3A run-step::${EVIDENCE}`,
    ],
    [
      'secrets masked',
      failure({ failure: { class: 'permanent', kind: 'run-step', evidence: 'curl -u ci:hunter2-token failed' } }),
      inputs({ mask: masker(['hunter2-token']) }),
      '::error file=apps/api/Dockerfile,line=3,title=api linux/amd64%3A run-step::curl -u ci:*** failed',
    ],
    ['nothing on GitLab', failure(), inputs({ env: { GITLAB_CI: 'true' } }), undefined],
    ['nothing in a terminal', failure(), inputs({ env: {} }), undefined],
  ])('%s', (_, outcome, given, expected) => {
    expect(failureAnnotation(outcome, given)).toBe(expected);
  });
});
