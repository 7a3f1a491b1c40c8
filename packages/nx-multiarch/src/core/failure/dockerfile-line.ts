/** Where BuildKit says a build failed: the Dockerfile (as it names it) and the line. */
export interface DockerfileLine {
  file: string;
  line: number;
}

const HEADER = /^(\S+):(\d+)$/;
const RULE = /^-{20}$/;

/**
 * The Dockerfile line of the step that failed, from the excerpt BuildKit prints under its error (`Dockerfile:12`, then
 * a `--------------------` rule); the last one when there are several. BuildKit 0.8 (the docker driver of Docker 20.10)
 * prints no excerpt: then undefined.
 */
export function failedDockerfileLine(output: string): DockerfileLine | undefined {
  const lines = output.split(/\r?\n/).map((line) => line.trimEnd());
  for (let i = lines.length - 2; i >= 0; i--) {
    const header = HEADER.exec(lines[i]);
    if (header && RULE.test(lines[i + 1])) return { file: header[1], line: Number(header[2]) };
  }
  return undefined;
}
