import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labEnv } from './lab';
import { INSTALLED_PLUGIN_WORKSPACE, REPO_ROOT } from './workspace';

// The e2e suite runs against the lab; when it is not up the run fails, it never skips.
function checkLab(env: Record<string, string>): void {
  try {
    for (const args of [
      ['version', '--format', '{{.Server.Version}}'],
      ['buildx', 'version'],
    ]) {
      execFileSync('docker', args, { env: { ...process.env, ...env }, stdio: 'pipe', timeout: 20_000 });
    }
  } catch (error) {
    throw new Error(`The Docker lab is not up (run: tools/lab/lab up). ${(error as Error).message}`);
  }
}

// Temp workspaces use the plugin as users get it: built, packed and installed from the tarball.
function installPackedPlugin(): void {
  execFileSync(process.execPath, [join(REPO_ROOT, 'tools/build-plugin.js')], { stdio: 'pipe', timeout: 300_000 });
  rmSync(INSTALLED_PLUGIN_WORKSPACE, { recursive: true, force: true });
  mkdirSync(INSTALLED_PLUGIN_WORKSPACE, { recursive: true });
  writeFileSync(
    join(INSTALLED_PLUGIN_WORKSPACE, 'package.json'),
    JSON.stringify({ name: 'e2e-template', private: true }),
  );
  const npm = (args: string[]) =>
    execFileSync('npm', args, { cwd: INSTALLED_PLUGIN_WORKSPACE, stdio: 'pipe', timeout: 300_000 });
  npm(['pack', join(REPO_ROOT, 'dist/packages/nx-multiarch'), '--pack-destination', INSTALLED_PLUGIN_WORKSPACE]);
  const { version } = require(join(REPO_ROOT, 'node_modules/nx/package.json')) as { version: string };
  npm([
    'install',
    '--no-audit',
    '--no-fund',
    '--prefer-offline',
    `nx@${version}`,
    `@nx/devkit@${version}`,
    './nx-multiarch-0.1.0.tgz',
  ]);
}

export default async function globalSetup(): Promise<void> {
  const env = labEnv();
  checkLab(env);
  Object.assign(process.env, env);
  installPackedPlugin();
}
