// The machine and tool versions a benchmark ran on, for the record beside its numbers.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  kernel: string;
  versions: Record<string, string>;
  /** `docker run --rm <image> true`, timed several times: the runtime's container start-up latency. */
  containerStart?: { image: string; samplesMs: number[] };
}

const REPO = resolve(__dirname, '../..');

function firstLine(file: string, args: string[]): string {
  const result = spawnSync(file, args, { encoding: 'utf8', timeout: 30_000 });
  return result.status === 0 ? `${result.stdout}${result.stderr}`.trim().split('\n')[0] : 'unavailable';
}

export function machine(): Machine {
  const debian = '/etc/debian_version';
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: existsSync(debian) ? `Debian ${readFileSync(debian, 'utf8').trim()}` : process.platform,
    kernel: release(),
    versions: {
      node: process.version,
      nx: JSON.parse(readFileSync(join(REPO, 'node_modules/nx/package.json'), 'utf8')).version,
      docker: firstLine('docker', ['version', '--format', '{{.Server.Version}}']),
      buildx: firstLine('docker', ['buildx', 'version']),
      qemu: firstLine('qemu-aarch64-static', ['--version']),
    },
  };
}

/**
 * Times `docker run --rm <image> true` `times` times after one untimed run (which pulls the image): slow container
 * starts inflate every contender, BuildKit starting a container per RUN step as well. Empty when the run fails.
 */
export function containerStartSamples(image: string, times = 5): number[] {
  const run = () => spawnSync('docker', ['run', '--rm', image, 'true'], { stdio: 'ignore', timeout: 120_000 }).status;
  if (run() !== 0) return [];
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    if (run() !== 0) return [];
    samples.push(performance.now() - started);
  }
  return samples;
}
