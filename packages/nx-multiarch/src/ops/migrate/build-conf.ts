export type Phase = 'foundation' | 'dependent';

/** What build.sh takes from a component's build.conf: its phase, and nothing else. */
export interface BuildConf {
  phase: Phase;
  /** Every line build.sh ignored or read otherwise than it looks, naming the file and why. */
  notes: string[];
}

/** build.sh's phase when build.conf (or its BUILD_PHASE line) is missing. */
export const BUILD_SH_DEFAULT_PHASE: Phase = 'dependent';

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=/;

/**
 * As build.sh reads it: the first line starting with `BUILD_PHASE=`, its second `=` field with all whitespace removed
 * (`grep | cut -d= -f2 | tr -d '[:space:]'`); exactly `foundation` is a foundation, anything else a dependent.
 */
export function parseBuildConf(text: string, file: string): BuildConf {
  const notes: string[] = [];
  const ignoredKeys: string[] = [];
  let phaseValue: string | undefined;
  text.split('\n').forEach((line, index) => {
    const at = `${file} line ${index + 1}`;
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const key = ASSIGNMENT.exec(line)?.[1];
    if (key === undefined) {
      notes.push(`${at}: not a KEY=value line; not mapped (build.sh ignored it too)`);
    } else if (key !== 'BUILD_PHASE') {
      if (!ignoredKeys.includes(key)) ignoredKeys.push(key);
    } else if (!line.startsWith('BUILD_PHASE=')) {
      notes.push(`${at}: build.sh reads only a line that starts with BUILD_PHASE=, so it ignored this one; not mapped`);
    } else if (phaseValue !== undefined) {
      notes.push(`${at}: a second BUILD_PHASE line; not mapped (the first one is)`);
    } else {
      phaseValue = line.split('=')[1].replace(/\s/g, '');
    }
  });
  if (ignoredKeys.length > 0) {
    notes.unshift(
      `${file}: ${ignoredKeys.join(', ')} not mapped: build.sh reads only BUILD_PHASE from build.conf, so ${ignoredKeys.length > 1 ? 'they' : 'it'} never took effect (build args go in multiarch.json "buildArgs")`,
    );
  }
  if (!phaseValue) return { phase: BUILD_SH_DEFAULT_PHASE, notes };
  if (phaseValue !== 'foundation' && phaseValue !== 'dependent') {
    notes.push(
      `${file}: BUILD_PHASE=${phaseValue}: build.sh builds anything but exactly "foundation" as a dependent, so it is mapped to "dependent"; set "phase": "foundation" in multiarch.json if that was meant`,
    );
  }
  return { phase: phaseValue === 'foundation' ? 'foundation' : 'dependent', notes };
}
