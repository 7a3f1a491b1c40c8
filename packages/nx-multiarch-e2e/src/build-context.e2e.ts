import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nx, runImage, tempWorkspace } from './workspace';

// A component of a build.sh platform: built from the repository root, so its Dockerfile copies from src/gitea/.
const GITEA = {
  '.env.example': 'GITEA_VERSION=1.22\n',
  '.env': 'GITEA_VERSION=1.22\nADMIN_PASSWORD=hunter2\n',
  'certs/registry.key': 'not a real key\n',
  'src/gitea/Dockerfile': [
    'ARG GITEA_VERSION=1.22',
    'FROM gitea/gitea:${GITEA_VERSION}',
    'COPY src/gitea/gitea-entrypoint.sh /usr/local/bin/gitea-entrypoint.sh',
    'RUN chmod +x /usr/local/bin/gitea-entrypoint.sh && uname -m > /arch',
    'ENTRYPOINT ["/usr/local/bin/gitea-entrypoint.sh"]',
    '',
  ].join('\n'),
  'src/gitea/gitea-entrypoint.sh': '#!/bin/sh\necho "gitea on $(cat /arch)"\n',
};

const options = { components: ['src/*'], imagePrefix: 'e2e-ctx/', build: { attempts: 3, retryDelay: 1 } };

describe('a build.sh component whose Dockerfile copies from the repository root', () => {
  it('without "context": fails at once, context, not retried, with the remedy naming "context"', () => {
    const root = tempWorkspace(GITEA, options);
    const started = Date.now();
    const { status, output } = nx(['run', 'gitea:build-image', '--platform=arm64'], root);
    expect(status).not.toBe(0);
    expect(output).toMatch(/✖ gitea linux\/arm64 FAILED in [\d.]+ s at .*: context \(permanent\)/);
    expect(output).toContain('unless multiarch.json sets "context"');
    expect(output).not.toContain('--no-cache');
    const failures = readFileSync(join(root, '.nx-multiarch/failures.jsonl'), 'utf8').trim().split('\n');
    expect(failures.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ operation: 'build', kind: 'context', class: 'permanent', attempt: 1 }),
    ]);
    expect(Date.now() - started).toBeLessThan(300_000);
  });

  it('with "context": "../..": builds, after one warning naming the secrets a context without .dockerignore sends', () => {
    const root = tempWorkspace({ ...GITEA, 'src/gitea/multiarch.json': JSON.stringify({ context: '../..' }) }, options);
    const { status, output } = nx(['run', 'gitea:build-image', '--platform=arm64'], root);
    expect({ status, tail: output.split('\n').slice(-20).join('\n') }).toMatchObject({ status: 0 });
    expect(output).toContain(`--file ${root}/src/gitea/Dockerfile`);
    expect(output).toMatch(new RegExp(`--load ${root}\\n`));
    const warnings = output.split('\n').filter((line) => line.includes('has no .dockerignore'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('including .env, certs/registry.key');
    expect(output).not.toContain('hunter2');
    expect(runImage('e2e-ctx/gitea:latest-arm64', 'arm64').output).toContain('gitea on aarch64');

    // With a .dockerignore: no warning, and what it excludes is out of the hash.
    writeFileSync(join(root, '.dockerignore'), '.env\ncerts/\nnode_modules/\n');
    const again = nx(['run', 'gitea:build-image', '--platform=arm64'], root);
    expect(again.status).toBe(0);
    expect(again.output).not.toContain('has no .dockerignore');
  });
});
