export interface ProxySettings {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

const FIELDS = ['httpProxy', 'httpsProxy', 'noProxy'] as const;

/** The process's proxies, upper case first as Go's net/http (and so docker and buildx) reads them. */
export function proxiesFromEnv(env: Readonly<Record<string, string | undefined>>): ProxySettings {
  const pick = (...names: string[]) => names.map((n) => env[n]).find((v) => v !== undefined && v !== '');
  return proxySettings({
    httpProxy: pick('HTTP_PROXY', 'http_proxy'),
    httpsProxy: pick('HTTPS_PROXY', 'https_proxy'),
    noProxy: pick('NO_PROXY', 'no_proxy'),
  });
}

/** Field by field, the first source that sets a field wins. */
export function firstProxies(...sources: ProxySettings[]): ProxySettings {
  const merged: ProxySettings = {};
  for (const field of FIELDS) merged[field] = sources.map((s) => s[field]).find((v) => v !== undefined && v !== '');
  return proxySettings(merged);
}

/** Drops unset and empty fields. */
export function proxySettings(settings: ProxySettings): ProxySettings {
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined && v !== '')) as ProxySettings;
}

export interface ResolvedProxies {
  /** BuildKit's own pulls in a container builder (the daemon's proxies first, as dockerd would use). */
  builder: ProxySettings;
  /** The buildx/docker client process: it fetches registry tokens itself (moby/buildkit#5839). */
  client: ProxySettings;
  /** RUN steps, as predefined proxy build args (client config first, as buildx does). */
  runSteps: ProxySettings;
}

export function resolveProxies(sources: {
  daemon: ProxySettings;
  clientConfig: ProxySettings;
  env: ProxySettings;
}): ResolvedProxies {
  const { daemon, clientConfig, env } = sources;
  return {
    builder: firstProxies(daemon, env, clientConfig),
    client: firstProxies(env, daemon, clientConfig),
    runSteps: firstProxies(clientConfig, env, daemon),
  };
}

/** Predefined proxy ARGs: upper and lower case, left out of the image history and the cache key. */
export function proxyBuildArgs(settings: ProxySettings): Record<string, string> {
  const args: Record<string, string> = {};
  const set = (name: string, value?: string) => {
    if (value) args[name] = args[name.toLowerCase()] = value;
  };
  set('HTTP_PROXY', settings.httpProxy);
  set('HTTPS_PROXY', settings.httpsProxy);
  set('NO_PROXY', settings.noProxy);
  return args;
}

/** Environment variables for a process, both cases (tools disagree on which they read). */
export function proxyEnv(settings: ProxySettings): Record<string, string> {
  return proxyBuildArgs(settings);
}

/** `http://user:pass@proxy:3128` -> `http://***@proxy:3128`; anything else unchanged. */
export function redactUrl(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#\s]+@/i, '$1***@');
}

/** The proxy a registry request goes through, as logs and remedies name it: the HTTPS one first, no credentials. */
export function shownProxy(settings: ProxySettings): string | undefined {
  const url = settings.httpsProxy ?? settings.httpProxy;
  return url ? redactUrl(url) : undefined;
}

/** Removes every credential in URLs found in free text (logs, errors, argv). */
export function redactText(text: string): string {
  // Greedy to the last '@' before the path, as Go's url.Parse splits user info: a password may contain '@'.
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/?#\s"']+@/gi, '$1***@');
}
