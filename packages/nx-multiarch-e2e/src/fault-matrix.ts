import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type CommandOutput, docker, REPO_ROOT } from './workspace';

// The fault matrix: each case injects one fault, asserts what the plugin does about it, and records a row
// (fault, expected, outcome, seconds, lost) in dist/faults.json; tools/faults/report.ts turns it into
// docs/reliability.md. A row is written whether the case passes or not, so a failing case shows in the table.

export const FAULTS_FILE = join(REPO_ROOT, 'dist/faults.json');

export interface Observed {
  /** What happened, in a few words (the failure class and kind, attempts, the message...). */
  outcome: string;
  /** What a user could not find afterwards, or found lying around: empty when nothing was lost. */
  lost: string[];
}

export interface FaultRow extends Observed {
  /** The describe block the case is in: the report's section. */
  group: string;
  fault: string;
  expected: string;
  seconds: number;
}

function readRows(): FaultRow[] {
  return existsSync(FAULTS_FILE) ? (JSON.parse(readFileSync(FAULTS_FILE, 'utf8')) as FaultRow[]) : [];
}

function writeRows(rows: FaultRow[]): void {
  mkdirSync(dirname(FAULTS_FILE), { recursive: true });
  writeFileSync(FAULTS_FILE, `${JSON.stringify(rows, null, 2)}\n`);
}

/**
 * One case of the matrix: a jest test that times `run`, records its row, and fails unless `run` (which asserts the
 * expected outcome itself) passed AND nothing was lost. A case whose assertions threw is recorded as such.
 */
export function fault(name: string, expected: string, run: () => Promise<Observed>, timeoutMs = 180_000): void {
  it(
    name,
    async () => {
      const started = Date.now();
      const group = (expect.getState().currentTestName ?? '').slice(0, -name.length).trim();
      let observed: Observed;
      try {
        observed = await run();
      } catch (error) {
        const message = (error as Error).message.split('\n').find((line) => line.trim()) ?? String(error);
        const outcome = `TEST FAILED: ${message}`;
        record({ group, fault: name, expected, outcome, seconds: elapsed(started), lost: [] });
        throw error;
      }
      record({ group, fault: name, expected, ...observed, seconds: elapsed(started) });
      expect(observed.lost).toEqual([]);
    },
    timeoutMs,
  );
}

const elapsed = (started: number) => Math.round((Date.now() - started) / 100) / 10;

// A row replaces the last one of the same fault: the suite's files add to one table (`npm run faults` starts it afresh).
function record(row: FaultRow): void {
  const rows = readRows();
  const at = rows.findIndex((r) => r.fault === row.fault);
  if (at >= 0) rows[at] = row;
  else rows.push(row);
  writeRows(rows);
}

// --- What "nothing was lost" means, checked after a run ---

/** The builders and the plugin's containers before a run, to find what the run left behind. */
export interface DockerSnapshot {
  containers: string[];
  builders: string[];
}

/** Containers the plugin starts (build-time services): `nx-multiarch-<project>-<service>-...`, with their service label. */
function pluginContainers(): string[] {
  const list = (filter: string) =>
    docker(['ps', '-a', '--filter', filter, '--format', '{{.Names}} {{.Label "nx-multiarch.service"}}'])
      .output.split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
  return [...new Set([...list('name=nx-multiarch-'), ...list('label=nx-multiarch.service')])].sort();
}

/** Builder names from `docker buildx ls` (node lines are indented, the header starts with NAME). */
function builders(): string[] {
  return docker(['buildx', 'ls'])
    .output.split('\n')
    .filter((line) => /^\S/.test(line) && !line.startsWith('NAME'))
    .map((line) => line.split(/\s+/)[0].replace(/\*$/, ''))
    .sort();
}

export function dockerSnapshot(): DockerSnapshot {
  return { containers: pluginContainers(), builders: builders() };
}

/**
 * What of the lab a workspace's runs may leave behind: containers of its components (others' test runs share the
 * lab) and the builder its builder-setup makes (`builder.name`, or the executor's default for the driver).
 */
function workspaceScope(root: string): { projects: string[]; builder: string } {
  const images = join(root, 'images');
  const projects = existsSync(images) ? readdirSync(images) : [];
  const nxJson = JSON.parse(readFileSync(join(root, 'nx.json'), 'utf8')) as {
    plugins?: Array<{ options?: { builder?: { name?: string; driver?: string } } }>;
  };
  const builder = nxJson.plugins?.[0]?.options?.builder ?? {};
  return { projects, builder: builder.name ?? (builder.driver === 'docker' ? 'default' : 'nx-multiarch') };
}

export interface RunRecord {
  id: string;
  success: boolean;
  tasks?: Array<{ id: string; status: string }>;
  killed?: boolean;
  cells: Array<{ row: string; platform: string; task: string; status: string; failure?: { kind: string } }>;
  taskProblems?: Array<{ task: string; image?: string; failure: { class: string; kind: string } }>;
}

/** The run record of the workspace's last run, or undefined when none was written. */
export function lastRunRecord(root: string): RunRecord | undefined {
  const lastRun = join(root, '.nx-multiarch/runs/last-run');
  if (!existsSync(lastRun)) return undefined;
  const file = join(root, '.nx-multiarch/runs', readFileSync(lastRun, 'utf8').trim(), 'run.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RunRecord) : undefined;
}

export interface FailureLine {
  run?: string;
  operation: string;
  project: string;
  image?: string;
  platform?: string;
  attempt: number;
  retryInMs?: number;
  class: string;
  kind: string;
  timedOut?: boolean;
  stalled?: boolean;
  /** The builder node on another machine the platform went to. */
  node?: string;
  message: string;
}

/** The lines of .nx-multiarch/failures.jsonl (every failed attempt), [] when there is none. */
export function failureLines(root: string): FailureLine[] {
  const file = join(root, '.nx-multiarch/failures.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as FailureLine);
}

export interface LostCheckOptions {
  /** The run was meant to fail (default true): then the exit code must say so. */
  failed?: boolean;
  /** The failure must have a line in failures.jsonl (failed attempts; config errors are not attempts). */
  logged?: boolean;
  /** The run must have a run record with a failed/skipped cell or a task problem (nothing when Nx never ran tasks). */
  recorded?: boolean;
  /** Taken before the run: containers or builders that appeared since are left behind. */
  before?: DockerSnapshot;
}

/**
 * What a user would not find after the run, or would find left over: a failure that the exit code, the failure
 * log or the run record does not show, a container or a builder that outlived the run. Empty: nothing was lost.
 */
export function lostChecks(root: string, run: CommandOutput, options: LostCheckOptions = {}): string[] {
  const { failed = true, logged = failed, recorded = failed, before } = options;
  const lost: string[] = [];
  if (failed && run.status === 0) lost.push('exit code 0 for a failed run');
  if (!failed && run.status !== 0) lost.push(`exit code ${run.status} for a run that should succeed`);
  const record = recorded || !failed ? lastRunRecord(root) : undefined;
  if (failed && logged) {
    const lines = failureLines(root);
    if (lines.length === 0) lost.push('no line in .nx-multiarch/failures.jsonl');
    else if (record && !lines.some((line) => line.run === record.id))
      lost.push(`no line of run ${record.id} in failures.jsonl`);
  }
  if (failed && recorded) {
    if (!record) lost.push('no run record (.nx-multiarch/runs/<last-run>/run.json)');
    else {
      if (record.success) lost.push('run.json says success');
      const cells = record.cells.filter((cell) => cell.status === 'failed' || cell.status === 'skipped');
      if (cells.length === 0 && !record.taskProblems?.length)
        lost.push('run.json has no failed or skipped cell and no task problem');
    }
  }
  if (!failed && record && !record.success) lost.push('run.json says failed for a run that succeeded');
  if (before) {
    const after = dockerSnapshot();
    const scope = workspaceScope(root);
    const ours = (entry: string) => {
      const [name, service] = entry.split(' ');
      return scope.projects.some((project) => name.startsWith(`nx-multiarch-${project}-`) || service === project);
    };
    const strays = after.containers.filter((entry) => ours(entry) && !before.containers.includes(entry));
    if (strays.length) lost.push(`containers left behind: ${strays.map((entry) => entry.split(' ')[0]).join(', ')}`);
    // A failed setup must not leave a half-made builder; one that succeeded may have made it.
    if (failed && after.builders.includes(scope.builder) && !before.builders.includes(scope.builder))
      lost.push(`builder left behind: ${scope.builder}`);
  }
  return lost;
}

/** `class/kind` of every line of failures.jsonl, in order. */
export const failureKinds = (root: string) => failureLines(root).map((line) => `${line.class}/${line.kind}`);

/** The prefetch summary's line for (ref, platform): status, attempts, seconds. */
export function summary(output: string, ref: string, platform = 'linux/amd64') {
  const line = output.split('\n').find((l) => l.includes(` ${ref} ${platform} `));
  const status = /^\s+(\S+)/.exec(line ?? '')?.[1];
  const counts = /(\d+) attempts?(?:, | in )([\d.]+) s/.exec(line ?? '');
  return { status, attempts: Number(counts?.[1] ?? 0), seconds: Number(counts?.[2] ?? NaN) };
}

/** Every file under `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Whether a build's RUN step printing `nonce` has started: read from the attempt logs (Nx shows output at the end). */
export function stepRuns(root: string, project: string, nonce: string): boolean {
  const line = new RegExp(`#\\d+ [\\d.]+ ${nonce}\\b`);
  return filesUnder(join(root, '.nx-multiarch/logs', project)).some((file) => line.test(readFileSync(file, 'utf8')));
}
