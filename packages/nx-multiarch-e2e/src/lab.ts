import { existsSync, readFileSync } from 'node:fs';

const LAB_ENV_FILE = `${process.env.LAB_HOME ?? '/var/lib/nx-multiarch-lab'}/env`;

/** DOCKER_HOST, LAB_REGISTRY... as `tools/lab/lab up` recorded them (the process env wins). */
export function labEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  if (existsSync(LAB_ENV_FILE)) {
    for (const line of readFileSync(LAB_ENV_FILE, 'utf8').split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  for (const key of ['DOCKER_HOST', 'LAB_REGISTRY', 'LAB_BUILDX_ALT_CONFIG', 'XDG_CONFIG_HOME']) {
    if (process.env[key]) env[key] = process.env[key] as string;
  }
  return env;
}
