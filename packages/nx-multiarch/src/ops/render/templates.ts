import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { ensureEnvFile, readWorkspaceEnv } from '../../core/env/workspace-env';
import type { Log } from '../../core/log';
import type { NormalizedRenderOptions } from '../../core/options/render';
import { renderedPath, renderTemplate } from '../../core/template/render';
import { writeFileAtomic } from '../../infra/state/atomic-file';

/** The render executor: every template of a component rendered with the workspace's .env values. */
export function renderTemplates(
  o: NormalizedRenderOptions,
  workspaceRoot: string,
  log: Log,
  env: NodeJS.ProcessEnv,
): void {
  if (ensureEnvFile(workspaceRoot, o.envFiles)) {
    log.info(`nx-multiarch: created ${o.envFiles.envFile} from ${o.envFiles.exampleFile}`);
  }
  const values = readWorkspaceEnv(workspaceRoot, o.envFiles, env, o.values).values;
  // Render all first: one broken template must not leave the others half-written.
  const rendered = o.templates.map(({ file, path }) => ({
    file: renderedPath(file),
    path: renderedPath(path),
    // An `entrypoint.sh.tpl` stays executable once rendered.
    mode: statSync(path).mode & 0o777,
    text: renderTemplate(readFileSync(path, 'utf8'), values, file),
  }));
  for (const output of rendered) {
    // Unchanged output keeps its mtime, so nothing downstream sees a change that is not there.
    if (existsSync(output.path) && readFileSync(output.path, 'utf8') === output.text) {
      log.info(`nx-multiarch: ${output.file} is up to date`);
      continue;
    }
    writeFileAtomic(output.path, output.text);
    chmodSync(output.path, output.mode);
    log.info(`nx-multiarch: rendered ${output.file}`);
  }
}
