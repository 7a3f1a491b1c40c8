import { docker } from '../../cli/docker/cli';
import { pushImageArgs, tagImageArgs } from '../../cli/docker/image';
import { LOOKUP_TIMEOUT_MS } from './lookup';

/** How the push of a pulled image runs: like a build attempt, echoed under the image's prefix. */
export interface PushSettings {
  timeoutMs: number;
  env: Record<string, string | undefined>;
  prefix: string;
  mask: (text: string) => string;
}

/** Gives the pulled upstream image every tag of its plan, then pushes the first when the plan pushes. */
export async function tagUpstream(
  upstream: string,
  plan: { ref: string; refs: readonly string[]; push: boolean },
  settings: PushSettings,
): Promise<void> {
  const { timeoutMs, env, prefix, mask } = settings;
  for (const target of plan.refs) await docker(tagImageArgs(upstream, target), { timeoutMs: LOOKUP_TIMEOUT_MS, env });
  if (plan.push) await docker(pushImageArgs(plan.ref), { timeoutMs, env, echo: true, prefix, mask });
}
