import { annotationRoot, ciKind, type CiKind } from './environment';

describe('ciKind', () => {
  test.each<[Record<string, string>, CiKind]>([
    [{}, 'plain'],
    [{ CI: 'true' }, 'plain'],
    [{ GITHUB_ACTIONS: 'true', CI: 'true' }, 'github'],
    [{ GITHUB_ACTIONS: 'false' }, 'plain'],
    [{ GITHUB_ACTIONS: '' }, 'plain'],
    [{ GITLAB_CI: 'true', CI: 'true' }, 'gitlab'],
    [{ GITLAB_CI: '1' }, 'plain'],
    // A GitLab runner started from a GitHub job (or the reverse) still writes to GitHub's log.
    [{ GITHUB_ACTIONS: 'true', GITLAB_CI: 'true' }, 'github'],
  ])('%j -> %s', (env, expected) => {
    expect(ciKind(env)).toBe(expected);
  });
});

describe('annotationRoot', () => {
  test.each<[Record<string, string>, string]>([
    [{ GITHUB_WORKSPACE: '/home/runner/work/repo/repo', NX_WORKSPACE_ROOT: '/ws' }, '/home/runner/work/repo/repo'],
    [{ NX_WORKSPACE_ROOT: '/ws' }, '/ws'],
    [{ GITHUB_WORKSPACE: '', NX_WORKSPACE_ROOT: '/ws' }, '/ws'],
    [{}, '/cwd'],
  ])('%j -> %s', (env, expected) => {
    expect(annotationRoot(env, '/cwd')).toBe(expected);
  });
});
