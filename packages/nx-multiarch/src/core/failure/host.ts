/** Docker Hub's registry, token and blob hosts: a failure there means the pull went past any mirror. */
export function isDockerHubHost(host: string): boolean {
  const name = host.trim().toLowerCase().replace(/:\d+$/, '');
  return DOCKER_HUB_HOSTS.has(name) || /^docker-images-prod(?:\.[a-f0-9]+)?\.r2\.cloudflarestorage\.com$/.test(name);
}

const DOCKER_HUB_HOSTS = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
  'auth.docker.io',
  'production.cloudflare.docker.com',
]);

const HOST = String.raw`(?:localhost|\d{1,3}(?:\.\d{1,3}){3}|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z][a-z0-9-]*)(?::\d+)?`;
const URL_HOST = new RegExp(String.raw`\bhttps?://(${HOST})(?=[/"'\s:?]|$)`, 'gi');
const NAMED_HOST = new RegExp(String.raw`\b(?:lookup|from host) (${HOST})(?=[\s:]|$)`, 'i');
// An image reference whose first component is a registry: it has a dot or a port, or is localhost.
const REF_HOST = new RegExp(String.raw`(?:^|[\s"'(])(${HOST}|[a-z0-9-]+:\d+)/[a-z0-9]`, 'i');

// Links in Docker Hub's messages ("… pull rate limit. https://www.docker.com/increase-rate-limit"), not endpoints.
const DOC_HOSTS = new Set(['www.docker.com', 'docs.docker.com']);

/** The failing endpoint: the last URL (the innermost request), else a DNS lookup's name, else an image's registry. */
export function hostIn(line: string): string | undefined {
  const urls = [...line.matchAll(URL_HOST)].map((m) => m[1].toLowerCase()).filter((h) => !DOC_HOSTS.has(h));
  return urls.at(-1) ?? (NAMED_HOST.exec(line)?.[1] ?? REF_HOST.exec(line)?.[1])?.toLowerCase();
}
