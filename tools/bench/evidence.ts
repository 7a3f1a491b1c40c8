// What a contender really did, from BuildKit's progress output: images built, steps ran and cached, processes.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { plainSteps, type StepTally } from './progress';

/** What a contender really did, read from BuildKit's progress rather than from what the contender reports. */
export interface Evidence {
  /** (image, platform) builds in which BuildKit ran at least one Dockerfile step. */
  imagesBuilt: number;
  /** The projects of those builds, sorted, each once. */
  builtProjects: string[];
  /** Dockerfile steps (not FROM) BuildKit ran, and took from its cache, over all builds. */
  stepsRan: number;
  stepsCached: number;
  /** Processes the contender started, by kind (`Nx task`, `docker build/pull`, `buildx bake`...). */
  processes: Record<string, number>;
  /** nx-multiarch: tasks Nx restored from its cache, which start no process. */
  cacheHits?: number;
}

/** Per (image, platform) build: its project and BuildKit's tally of its steps. */
export type StepsOf = Array<{ project: string } & StepTally>;

/** The evidence of one set of builds: per (image, platform) its steps, and which project it belongs to. */
export function evidenceOf(builds: StepsOf, processes: Record<string, number>): Evidence {
  const built = builds.filter((b) => b.ran > 0);
  return {
    imagesBuilt: built.length,
    builtProjects: [...new Set(built.map((b) => b.project))].sort(),
    stepsRan: builds.reduce((sum, b) => sum + b.ran, 0),
    stepsCached: builds.reduce((sum, b) => sum + b.cached, 0),
    processes,
  };
}

/**
 * The build logs nx-multiarch wrote since `since` (`<logs>/<project>/<image>-<arch>.attempt-<n>.log`, one per
 * `docker buildx build` process): each image's last attempt tells its steps.
 */
export function nxBuildLogs(root: string, since: number): { processes: number; builds: StepsOf } {
  const dir = join(root, '.nx-multiarch/logs');
  const files = existsSync(dir)
    ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
        (f) => f.endsWith('.log') && statSync(join(dir, f)).mtimeMs >= since,
      )
    : [];
  const last = new Map<string, { attempt: number; file: string }>();
  for (const file of files) {
    const match = /^(.*)\.attempt-(\d+)\.log$/.exec(file);
    if (!match) continue;
    const attempt = Number(match[2]);
    if ((last.get(match[1])?.attempt ?? 0) < attempt) last.set(match[1], { attempt, file });
  }
  const builds = [...last.values()].map(({ file }) => ({
    project: dirname(file),
    ...plainSteps(readFileSync(join(dir, file), 'utf8')),
  }));
  return { processes: files.length, builds };
}
