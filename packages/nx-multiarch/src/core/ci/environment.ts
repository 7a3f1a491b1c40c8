/** Whose log markup a run's output uses: GitHub Actions', GitLab CI's, or none (a terminal, any other CI). */
export type CiKind = 'github' | 'gitlab' | 'plain';

type Env = Readonly<Record<string, string | undefined>>;

/** The CI service running us, from the variables each sets in every job. */
export function ciKind(env: Env): CiKind {
  if (env.GITHUB_ACTIONS === 'true') return 'github';
  if (env.GITLAB_CI === 'true') return 'gitlab';
  return 'plain';
}

/** What annotation paths are relative to: GitHub's checkout, else the Nx workspace (Nx sets it for every task). */
export function annotationRoot(env: Env, cwd: string): string {
  return env.GITHUB_WORKSPACE || env.NX_WORKSPACE_ROOT || cwd;
}
