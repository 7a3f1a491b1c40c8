import {
  builderDifferences,
  createBuilderArgs,
  inspectBuilderArgs,
  isMissingBuilder,
  parseBuilderInspect,
  removeBuilderArgs,
} from '../../cli/buildx/builder';
import type { BuildxVersion } from '../../cli/buildx/version';
import { CommandError } from '../../core/failure/errors';
import { docker } from '../../cli/docker/cli';
import { redactText } from '../../core/network/proxy';
import { writeFileAtomic } from '../../infra/state/atomic-file';
import type { BuilderPlan } from './spec';

export type SetupOutcome = 'created' | 'recreated' | 'unchanged' | 'dry-run' | 'docker-driver';

export interface SetupContext {
  version: BuildxVersion;
  timeoutMs: number;
  dryRun: boolean;
  log: (line: string) => void;
}

async function inspect(name: string, timeoutMs: number) {
  try {
    return parseBuilderInspect((await docker(inspectBuilderArgs(name), { timeoutMs })).stdout);
  } catch (error) {
    if (error instanceof CommandError && isMissingBuilder(error.outputTail)) return undefined;
    throw error;
  }
}

async function create(plan: Extract<BuilderPlan, { kind: 'create' }>, context: SetupContext): Promise<void> {
  const file = plan.spec.configFile;
  if (file) writeFileAtomic(file, plan.toml);
  try {
    for (const argv of createBuilderArgs(plan.spec, context.version)) {
      context.log(`$ docker ${redactText(argv.join(' '))}`);
      await docker(argv, { timeoutMs: context.timeoutMs });
    }
  } catch (error) {
    // Never leave half a builder (e.g. the first node without the native arm64 one).
    await docker(removeBuilderArgs(plan.spec.name), { timeoutMs: context.timeoutMs }).catch(() => undefined);
    throw error;
  }
}

/** Creates the builder, reuses it when it matches, or recreates it when options or config changed. */
export async function ensureBuilder(plan: BuilderPlan, context: SetupContext): Promise<SetupOutcome> {
  if (plan.kind === 'docker') {
    await docker(inspectBuilderArgs(plan.name), { timeoutMs: context.timeoutMs });
    return 'docker-driver';
  }
  if (context.dryRun) {
    for (const argv of createBuilderArgs(plan.spec, context.version))
      context.log(`would run: docker ${redactText(argv.join(' '))}`);
    context.log(
      `would write ${plan.spec.configFile ?? '(no buildkitd.toml for this driver)'}:\n${redactText(plan.toml)}`,
    );
    return 'dry-run';
  }
  const existing = await inspect(plan.spec.name, context.timeoutMs);
  if (!existing) {
    await create(plan, context);
    return 'created';
  }
  const differences = builderDifferences(existing, plan.spec);
  if (differences.length === 0) return 'unchanged';
  context.log(`builder ${plan.spec.name} is out of date (${differences.join('; ')}); recreating it`);
  await docker(removeBuilderArgs(plan.spec.name), { timeoutMs: context.timeoutMs });
  await create(plan, context);
  return 'recreated';
}
