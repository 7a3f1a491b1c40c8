export interface ImageReference {
  /** Registry host, `docker.io` when the reference names none. */
  registry: string;
  /** Repository path, with `library/` for Docker Hub official images. */
  repository: string;
  tag?: string;
  digest?: string;
}

// https://github.com/distribution/reference/blob/main/normalize.go: a first component is a host when it has '.' or ':',
// is localhost, or has upper-case letters (which a repository path cannot have).
function isHost(component: string): boolean {
  return (
    component.includes('.') ||
    component.includes(':') ||
    component === 'localhost' ||
    component !== component.toLowerCase()
  );
}

export function parseImageReference(ref: string): ImageReference {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const parts = rest.split('/');
  let registry = 'docker.io';
  if (parts.length > 1 && isHost(parts[0])) registry = parts.shift() as string;
  if (registry === 'index.docker.io') registry = 'docker.io';
  if (registry === 'docker.io' && parts.length === 1) parts.unshift('library');
  return {
    registry,
    repository: parts.join('/'),
    ...(tag !== undefined && { tag }),
    ...(digest !== undefined && { digest }),
  };
}

/** `registry/repository` in canonical form, for comparing two references to the same image. */
export function canonicalName(ref: string): string {
  const { registry, repository } = parseImageReference(ref);
  return `${registry}/${repository}`;
}

/** `alpine` → `docker.io/library/alpine:latest`; a digest is kept, as the build pins it. */
export function qualifiedRef(ref: string): string {
  const { registry, repository, tag, digest } = parseImageReference(ref);
  const name = `${registry}/${repository}`;
  if (digest) return `${name}${tag ? `:${tag}` : ''}@${digest}`;
  return `${name}:${tag ?? 'latest'}`;
}

/** The short form Docker prints: `alpine:3.20` for Docker Hub official images, the full name elsewhere. */
export function familiarRef(ref: string): string {
  return ref.replace(/^docker\.io\/library\/(?=[^/]+$|[^/]+[:@])/, '').replace(/^docker\.io\//, '');
}
