/**
 * A git remote as the web address of the repository, for `org.opencontainers.image.source`: `git@host:org/repo.git`,
 * `ssh://git@host:22/org/repo` and `https://user:token@host/org/repo.git` all give `https://host/org/repo`. Credentials,
 * query and fragment are dropped; a local path or an unknown scheme gives undefined.
 */
export function webUrl(remote: string): string | undefined {
  const trimmed = remote.trim();
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(trimmed);
  let url: URL;
  try {
    url = scp ? new URL(`https://${scp[1]}/${scp[2].replace(/^\/+/, '')}`) : new URL(trimmed);
  } catch {
    return undefined;
  }
  if (!['http:', 'https:', 'ssh:', 'git:', 'git+ssh:', 'ssh+git:'].includes(url.protocol) || !url.hostname) {
    return undefined;
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\.git$/, '');
  // An http remote is served as such; the others (ssh, git) are reached on the host's https site, not their port.
  const origin =
    url.protocol === 'http:' || url.protocol === 'https:' ? `${url.protocol}//${url.host}` : `https://${url.hostname}`;
  return `${origin}${path}`;
}
