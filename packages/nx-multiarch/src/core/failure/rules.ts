import type { FailureKind } from './kinds';

/** A text in docker/buildx output, and the failure kind it reveals (its class and traits: kinds.ts). */
export interface Rule {
  kind: FailureKind;
  pattern: RegExp;
}

const rule = (kind: FailureKind, pattern: RegExp): Rule => ({ kind, pattern });

// A failed RUN step; its command text is the user's, so it is recognised before anything that text may contain.
export const RUN_STEP = rule('run-step', /did not complete successfully: exit code: \d+|executor failed running/i);

// A foreign-arch binary the kernel could not run: no QEMU binfmt handler for it.
export const QEMU = rule('qemu', /exec format error/i);

// The disk filled up: in a RUN step's output or in the daemon's own error.
export const DISK_FULL = rule('disk-full', /no space left on device|\bENOSPC\b|disk quota exceeded/i);

// The builder's node went away: BuildKit's gRPC stream ended, or buildx waited for a node that never answered. Its own
// lines say so only once, before a generic "context deadline exceeded" or "EOF" line: checked over the whole output.
export const BUILDER_NODE = rule(
  'builder-node',
  /\[internal\] waiting for connection|error reading from server: EOF|Unavailable: connection error|failed to dial gRPC/i,
);

/** Network and server trouble, in the order a line is tested (the most specific cause first). */
const NETWORK: readonly Rule[] = [
  rule(
    'rate-limit',
    /toomanyrequests|\b429 Too Many Requests\b|\brate limit|status(?: code)?(?: \[[^\]]*\])?:? 429\b/i,
  ),
  rule(
    'server-error',
    /Internal Server Error|Bad Gateway|Service Unavailable|Gateway Time-?out|status(?: code)?(?: \[[^\]]*\])?:? 50[0-4]\b/i,
  ),
  rule('tls', /TLS handshake timeout/i),
  rule(
    'dns',
    /no such host|server misbehaving|temporary failure in name resolution|temporary failure resolving|could not resolve host|\bEAI_AGAIN\b|getaddrinfo ENOTFOUND/i,
  ),
  rule('refused', /connection refused|\bECONNREFUSED\b/i),
  rule('unreachable', /no route to host|network is unreachable|\bEHOSTUNREACH\b|\bENETUNREACH\b/i),
  rule('reset', /connection reset by peer|broken pipe|\bECONNRESET\b|server sent GOAWAY|socket hang up/i),
  // Compilers and parsers say "unexpected EOF" about source code.
  rule('eof', /: EOF$|(?<!syntax error: )\bunexpected EOF\b(?! while parsing|, expected)/i),
  // After the causes above: DeadlineExceeded wraps them.
  rule(
    'timeout',
    /i\/o timeout|DeadlineExceeded|context deadline exceeded|Client\.Timeout exceeded|request canceled|connection timed out|\bETIMEDOUT\b/i,
  ),
  // Wrappers, for when the line names no cause.
  rule('oauth', /failed to fetch (?:oauth|anonymous) token|failed to authorize/i),
  rule(
    'network',
    /download failed after attempts=|failed to copy: httpReadSeeker|temporary error \(try again later\)|network error/i,
  ),
];

/** Permanent first, then transient; within a line the first rule that matches decides. */
export const RULES: readonly Rule[] = [
  RUN_STEP,
  QEMU,
  DISK_FULL,
  rule('builder', /no builder "[^"]*" found|failed to (?:initialize|bootstrap) builder|\bbuilder \S+ is not running/i),
  rule('daemon', /Cannot connect to the Docker daemon|error during connect:|Is the docker daemon running/i),
  // A COPY source missing from the context is reported as a cache-key failure too, but naming the path
  // (BuildKit 0.8, Engine 20.10's, says "failed to walk <dir>: lstat <dir>: no such file or directory").
  rule(
    'context',
    /(?:failed to compute cache key|failed to calculate checksum of ref)\b.*(?:"[^"]*":? not found|failed to walk \S+: lstat \S+: no such file or directory)/i,
  ),
  // Transient, but before the permanent rules below: these texts end in "not found" / "does not exist" too.
  rule(
    'poisoned-cache',
    /failed to compute cache key|failed to get state for index|failed to calculate checksum of ref|content digest \S+ not found|unexpected commit digest|\bsnapshot \S+ does not exist/i,
  ),
  // Before 'unauthorized': a proxy's 407 is about the proxy URL's credentials, not the registry's.
  rule('proxy-auth', /Proxy Authentication Required|status(?: code)?(?: \[[^\]]*\])?:? 407\b|\b407 Proxy/i),
  // A token server that rejects the credentials is not flaky.
  rule('unauthorized', /failed to fetch (?:oauth|anonymous) token.*\b40[13]\b/i),
  // Docker Hub answers a missing repository and a private one alike.
  rule('not-found', /pull access denied|repository does not exist or may require/i),
  rule('no-matching-platform', /no matching manifest for|no match for platform in manifest/i),
  rule('invalid-reference', /invalid reference format|variable expansion is not supported for --from/i),
  rule('dockerfile', /dockerfile parse error|unknown instruction|failed to parse|no build stage in current context/i),
  rule('tls-config', /x509: |certificate signed by unknown authority|server gave HTTP response to HTTPS client/i),
  rule(
    'unauthorized',
    /\bunauthorized\b|authentication required|insufficient_scope|\b403 Forbidden\b|(?:^|: )denied(?::|$)|status(?: code)?(?: \[[^\]]*\])?:? 40[13]\b/i,
  ),
  rule('not-found', /manifest unknown|name unknown|: not found$|manifest for \S+ not found|repository \S+ not found/i),
  ...NETWORK,
];

// In a RUN step's log only a network cause counts; "failed to authorize" there is the program's own business.
export const STEP_NETWORK: readonly Rule[] = NETWORK.filter((r) => r.kind !== 'oauth');
