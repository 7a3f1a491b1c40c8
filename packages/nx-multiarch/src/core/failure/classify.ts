export type FailureClass = 'transient' | 'permanent';

export type FailureKind =
  // transient
  | 'timeout'
  | 'stalled'
  | 'tls'
  | 'dns'
  | 'refused'
  | 'unreachable'
  | 'reset'
  | 'eof'
  | 'server-error'
  | 'rate-limit'
  | 'oauth'
  | 'network'
  | 'poisoned-cache'
  // permanent
  | 'not-found'
  | 'unauthorized'
  | 'no-matching-platform'
  | 'invalid-reference'
  | 'context'
  | 'dockerfile'
  | 'tls-config'
  | 'run-step'
  | 'verification'
  | 'config'
  | 'qemu'
  | 'builder'
  | 'daemon'
  | 'service'
  | 'missing-platform'
  // neither recognised: the class is the operation's default
  | 'unknown';

export interface Classification {
  class: FailureClass;
  kind: FailureKind;
  /** The line that decided it, without ANSI escapes, trimmed and clipped; '' when there was none. */
  evidence: string;
  /** From a `retry-after` in the output, for `rate-limit`. */
  retryAfterSeconds?: number;
  /** The builder's cache looks corrupt: retry with `--no-cache`. */
  noCacheOnRetry?: boolean;
  /** Registry (or other) host named in the evidence, lower case, with its port when it has one. */
  host?: string;
}

export interface FailureContext {
  operation: 'pull' | 'build' | 'manifest';
  /** Our own per-attempt timeout killed the process. */
  timedOut?: boolean;
  /** Our stall timeout killed the process (no output for too long). */
  stalled?: boolean;
}

interface Rule {
  class: FailureClass;
  kind: FailureKind;
  pattern: RegExp;
  noCacheOnRetry?: true;
}

const permanent = (kind: FailureKind, pattern: RegExp): Rule => ({ class: 'permanent', kind, pattern });
const transient = (kind: FailureKind, pattern: RegExp): Rule => ({ class: 'transient', kind, pattern });

// A failed RUN step; its command text is the user's, so it is recognised before anything that text may contain.
const RUN_STEP = permanent('run-step', /did not complete successfully: exit code: \d+|executor failed running/i);

// A foreign-arch binary the kernel could not run: no QEMU binfmt handler for it.
const QEMU = permanent('qemu', /exec format error/i);

/** Network and server trouble, in the order a line is tested (the most specific cause first). */
const NETWORK: readonly Rule[] = [
  // Its own kind: the caller waits longer than for other transient failures.
  transient(
    'rate-limit',
    /toomanyrequests|\b429 Too Many Requests\b|\brate limit|status(?: code)?(?: \[[^\]]*\])?:? 429\b/i,
  ),
  transient(
    'server-error',
    /Internal Server Error|Bad Gateway|Service Unavailable|Gateway Time-?out|status(?: code)?(?: \[[^\]]*\])?:? 50[0-4]\b/i,
  ),
  transient('tls', /TLS handshake timeout/i),
  transient(
    'dns',
    /no such host|server misbehaving|temporary failure in name resolution|temporary failure resolving|could not resolve host|\bEAI_AGAIN\b|getaddrinfo ENOTFOUND/i,
  ),
  transient('refused', /connection refused|\bECONNREFUSED\b/i),
  transient('unreachable', /no route to host|network is unreachable|\bEHOSTUNREACH\b|\bENETUNREACH\b/i),
  transient('reset', /connection reset by peer|broken pipe|\bECONNRESET\b|server sent GOAWAY|socket hang up/i),
  // Compilers and parsers say "unexpected EOF" about source code.
  transient('eof', /: EOF$|(?<!syntax error: )\bunexpected EOF\b(?! while parsing|, expected)/i),
  // After the causes above: DeadlineExceeded wraps them.
  transient(
    'timeout',
    /i\/o timeout|DeadlineExceeded|context deadline exceeded|Client\.Timeout exceeded|request canceled|connection timed out|\bETIMEDOUT\b/i,
  ),
  // Wrappers, for when the line names no cause.
  transient('oauth', /failed to fetch (?:oauth|anonymous) token|failed to authorize/i),
  transient(
    'network',
    /download failed after attempts=|failed to copy: httpReadSeeker|temporary error \(try again later\)|network error/i,
  ),
];

/** Permanent first, then transient; within a line the first rule that matches decides. */
const RULES: readonly Rule[] = [
  RUN_STEP,
  QEMU,
  permanent(
    'builder',
    /no builder "[^"]*" found|failed to (?:initialize|bootstrap) builder|\bbuilder \S+ is not running/i,
  ),
  permanent('daemon', /Cannot connect to the Docker daemon|error during connect:|Is the docker daemon running/i),
  // A COPY source missing from the context is reported as a cache-key failure too, but naming the path
  // (BuildKit 0.8, Engine 20.10's, says "failed to walk <dir>: lstat <dir>: no such file or directory").
  permanent(
    'context',
    /(?:failed to compute cache key|failed to calculate checksum of ref)\b.*(?:"[^"]*":? not found|failed to walk \S+: lstat \S+: no such file or directory)/i,
  ),
  // Before the permanent rules: these texts end in "not found" / "does not exist" too.
  {
    ...transient(
      'poisoned-cache',
      /failed to compute cache key|failed to get state for index|failed to calculate checksum of ref|content digest \S+ not found|unexpected commit digest|\bsnapshot \S+ does not exist/i,
    ),
    noCacheOnRetry: true,
  },
  // A token server that rejects the credentials is not flaky.
  permanent('unauthorized', /failed to fetch (?:oauth|anonymous) token.*\b40[13]\b/i),
  // Docker Hub answers a missing repository and a private one alike.
  permanent('not-found', /pull access denied|repository does not exist or may require/i),
  permanent('no-matching-platform', /no matching manifest for|no match for platform in manifest/i),
  permanent('invalid-reference', /invalid reference format|variable expansion is not supported for --from/i),
  permanent(
    'dockerfile',
    /dockerfile parse error|unknown instruction|failed to parse|no build stage in current context/i,
  ),
  permanent('tls-config', /x509: |certificate signed by unknown authority|server gave HTTP response to HTTPS client/i),
  permanent(
    'unauthorized',
    /\bunauthorized\b|authentication required|insufficient_scope|\b403 Forbidden\b|(?:^|: )denied(?::|$)|status(?: code)?(?: \[[^\]]*\])?:? 40[13]\b/i,
  ),
  permanent(
    'not-found',
    /manifest unknown|name unknown|: not found$|manifest for \S+ not found|repository \S+ not found/i,
  ),
  ...NETWORK,
];

// Registry operations fail mostly on the way there; a build that fails for no known reason is most likely the build.
const DEFAULT_CLASS: Record<FailureContext['operation'], FailureClass> = {
  pull: 'transient',
  manifest: 'transient',
  build: 'permanent',
};

const MAX_EVIDENCE = 300;

/** Decides from a failed docker/buildx command's output whether another attempt can help. */
export function classifyFailure(output: string, context: FailureContext): Classification {
  const lines = stripAnsi(output)
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  // Our own timeouts: the output ends wherever the process was when it was killed.
  if (context.stalled || context.timedOut) {
    return withHost({
      class: 'transient',
      kind: context.stalled ? 'stalled' : 'timeout',
      evidence: lastClipped(lines),
    });
  }
  const meaningful = lines.filter((line) => !isEcho(line));
  // BuildKit prints progress first and the error chain last, innermost cause at the end of the line.
  for (let i = meaningful.length - 1; i >= 0; i--) {
    const line = meaningful[i];
    const rule = RULES.find((r) => r.pattern.test(line));
    if (!rule) continue;
    if (rule === RUN_STEP) return runStep(line, meaningful);
    return decided(rule, line, output);
  }
  return withHost({ class: DEFAULT_CLASS[context.operation], kind: 'unknown', evidence: lastClipped(meaningful) });
}

// In a RUN step's log only a network cause counts; "failed to authorize" there is the program's own business.
const STEP_NETWORK = NETWORK.filter((r) => r.kind !== 'oauth');

/** A RUN step that failed because the network did is worth another attempt. */
function runStep(line: string, lines: readonly string[]): Classification {
  const qemu = lines.find((l) => QEMU.pattern.test(l));
  if (qemu) return decided(QEMU, qemu, '');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (RUN_STEP.pattern.test(lines[i])) continue;
    const rule = STEP_NETWORK.find((r) => r.pattern.test(lines[i]));
    if (rule) return decided(rule, lines[i], lines.join('\n'));
  }
  return decided(RUN_STEP, line, '');
}

function decided(rule: Rule, line: string, output: string): Classification {
  const result: Classification = { class: rule.class, kind: rule.kind, evidence: clip(line, rule.pattern) };
  if (rule.kind === 'rate-limit') {
    const seconds = retryAfterSeconds(stripAnsi(output));
    if (seconds !== undefined) result.retryAfterSeconds = seconds;
  }
  if (rule.noCacheOnRetry) result.noCacheOnRetry = true;
  return withHost(result);
}

function withHost(result: Classification): Classification {
  const host = hostIn(result.evidence);
  return host ? { ...result, host } : result;
}

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

/** `retry-after: 316.890478ms` (Go duration), `Retry-After: 60` (seconds); the last one in the text. */
export function retryAfterSeconds(text: string): number | undefined {
  const found = [...text.matchAll(/retry-after"?:?\s*"?((?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+|\d+(?:\.\d+)?)/gi)];
  const value = found.at(-1)?.[1];
  if (value === undefined) return undefined;
  if (/^[\d.]+$/.test(value)) return Number(value);
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let seconds = 0;
  for (const [, amount, suffix] of value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gi)) {
    seconds += Number(amount) * unit[suffix.toLowerCase()];
  }
  // Whole milliseconds, rounded up: waiting a little longer is harmless, a little shorter is not.
  return Math.ceil(Math.round(seconds * 1e6) / 1e3) / 1e3;
}

// BuildKit echoes step headers and the Dockerfile around an error; that text is the user's, not an error.
const ECHO = /^(?:#\d+ \[[^\]]*\] |> \[[^\]]*\] |=> |\d+ \|(?: |$)|-{4,}$)/;

function isEcho(line: string): boolean {
  return ECHO.test(line);
}

function lastClipped(lines: readonly string[]): string {
  return lines.length ? clip(lines[lines.length - 1]) : '';
}

/** At most MAX_EVIDENCE characters, keeping the end (the innermost cause) unless the match lies before it. */
function clip(line: string, pattern?: RegExp): string {
  if (line.length <= MAX_EVIDENCE) return line;
  const at = pattern ? Math.max(0, line.search(pattern)) : line.length;
  const start = Math.min(at, line.length - (MAX_EVIDENCE - 1));
  const head = start > 0 ? '…' : '';
  const room = MAX_EVIDENCE - head.length;
  if (line.length - start <= room) return head + line.slice(start);
  return `${head}${line.slice(start, start + room - 1)}…`;
}

// CSI (colours, cursor moves), OSC (titles, links) and two-character escapes.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}
