import { PluginError } from '../../core/failure/errors';
import { readBuilderState } from '../../infra/state/builder-state';
import { ledgerImageIds } from '../build/build-record';
import { readPrefetchRecord } from '../prefetch/prefetch-record';
import { builderContainer } from './standing';

/** Every daemon object this state directory's records name: what the run's one `docker inspect` asks about. */
export function recordedNames(stateDir: string): string[] {
  let builder: ReturnType<typeof readBuilderState>;
  try {
    builder = readBuilderState(stateDir);
  } catch (error) {
    // An unreadable builder state is builder-setup's to report; no container to ask about.
    if (!(error instanceof PluginError)) throw error;
  }
  return [
    ...(builder?.driver === 'docker-container' ? [builderContainer(builder.name)] : []),
    ...ledgerImageIds(stateDir),
    ...Object.values(readPrefetchRecord(stateDir)),
  ];
}
