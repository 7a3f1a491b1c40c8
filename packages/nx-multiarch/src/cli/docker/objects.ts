import { z } from 'zod';
import { parseInspectOutput } from './inspect-output';

/** `docker inspect` of containers and images at once: one process however many names (missing ones exit 1). */
export function inspectObjectsArgs(names: readonly string[]): string[] {
  return ['inspect', '--', ...names];
}

const objectSchema = z.array(
  z
    .object({
      Id: z.string(),
      // Containers: a name with a leading slash, and a state.
      Name: z.string().optional(),
      State: z.object({ Running: z.boolean() }).passthrough().optional(),
      // Images: their tags.
      RepoTags: z.array(z.string()).nullable().optional(),
    })
    .passthrough(),
);

/** What the daemon holds of the names asked for; a name it does not know is in neither map. */
export interface DaemonObjects {
  /** Image ID → its tags, in the daemon's familiar form (`alpine:3.20`, `localhost:5000/demo/hub:latest-amd64`). */
  images: Map<string, string[]>;
  /** Container name (no slash) → its ID and whether it runs. */
  containers: Map<string, { id: string; running: boolean }>;
}

/** Parses `docker inspect <names...>`: an array of the objects it found (empty when it found none). */
export function parseInspectedObjects(stdout: string): DaemonObjects {
  const objects = parseInspectOutput(stdout.trim() || '[]', objectSchema, 'docker inspect');
  const images = new Map<string, string[]>();
  const containers = new Map<string, { id: string; running: boolean }>();
  for (const object of objects) {
    if (object.State && object.Name) {
      containers.set(object.Name.replace(/^\//, ''), { id: object.Id, running: object.State.Running });
    } else if (object.RepoTags !== undefined) {
      images.set(object.Id, object.RepoTags ?? []);
    }
  }
  return { images, containers };
}

/** Exit 1 means "some names are missing" only when every complaint says so; a daemon out of reach also exits 1. */
export function onlyMissingNames(stderr: string): boolean {
  return stderr
    .split('\n')
    .map((line) => line.trim())
    .every((line) => line === '' || /^Error: No such object: /.test(line));
}
