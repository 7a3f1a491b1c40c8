/** One image of a multi-target Dockerfile: build.sh ran one build per line, with `--target` unless it is `default`. */
export interface BuildTarget {
  /** The Dockerfile stage; absent for build.sh's `default` (the last stage, no --target). */
  target?: string;
  /** The whole image name build.sh tagged, prefix included. */
  image: string;
  line: number;
}

export interface BuildTargets {
  targets: BuildTarget[];
  notes: string[];
}

/** `target image` lines, as build.sh's `while read -r target image` reads them: `#` lines and blank lines skipped. */
export function parseBuildTargets(text: string, file: string): BuildTargets {
  const targets: BuildTarget[] = [];
  const notes: string[] = [];
  text.split('\n').forEach((raw, index) => {
    const [target, ...rest] = raw.trim().split(/\s+/);
    const line = index + 1;
    const at = `${file} line ${line}`;
    if (target === '' || target.startsWith('#')) return;
    if (rest.length === 0) {
      notes.push(`${at}: target ${target} names no image (build.sh tagged it ":<tag>", which fails); not mapped`);
    } else if (rest.length > 1) {
      notes.push(`${at}: "${rest.join(' ')}" is not one image name; not mapped`);
    } else {
      targets.push({ ...(target !== 'default' && { target }), image: rest[0], line });
    }
  });
  return { targets, notes };
}
