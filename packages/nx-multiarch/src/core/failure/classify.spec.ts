import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyFailure, type Classification, type FailureContext } from './classify';

const FIXTURES = join(__dirname, '../../../test/fixtures/errors');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

const pull: FailureContext = { operation: 'pull' };
const build: FailureContext = { operation: 'build' };

type Expected = Omit<Classification, 'evidence'> & { evidence?: string };

describe('classifyFailure on captured and logged error texts', () => {
  // evidence defaults to the fixture's single line
  test.each<[string, FailureContext, Expected]>([
    // D1, BuildKit
    ['buildkit-dns-no-such-host.txt', build, { class: 'transient', kind: 'dns', host: 'nonexistent.invalid' }],
    ['buildkit-connection-refused.txt', build, { class: 'transient', kind: 'refused' }],
    ['buildkit-no-route-to-host.txt', build, { class: 'transient', kind: 'unreachable' }],
    ['buildkit-eof.txt', build, { class: 'transient', kind: 'eof' }],
    ['buildkit-tls-handshake-timeout.txt', build, { class: 'transient', kind: 'tls' }],
    ['buildkit-manifest-503.txt', build, { class: 'transient', kind: 'server-error' }],
    ['buildkit-manifest-429.txt', build, { class: 'transient', kind: 'rate-limit' }],
    ['buildkit-blob-429.txt', build, { class: 'transient', kind: 'rate-limit' }],
    ['buildkit-token-refused.txt', build, { class: 'transient', kind: 'refused' }],
    ['buildkit-token-503.txt', build, { class: 'transient', kind: 'server-error' }],
    ['buildkit-manifest-401.txt', build, { class: 'permanent', kind: 'unauthorized' }],
    ['buildkit-manifest-403.txt', build, { class: 'permanent', kind: 'unauthorized' }],
    ['buildkit-not-found.txt', build, { class: 'permanent', kind: 'not-found' }],
    ['buildkit-no-match-for-platform.txt', build, { class: 'permanent', kind: 'no-matching-platform' }],
    // COPY sources missing from the context, docker driver (BuildKit 0.8) and container builder (0.32)
    ['buildkit-0.8-docker-copy-missing-dir.txt', build, { class: 'permanent', kind: 'context' }],
    ['buildkit-0.8-docker-copy-missing-file.txt', build, { class: 'permanent', kind: 'context' }],
    ['buildkit-0.32-container-copy-missing-dir.txt', build, { class: 'permanent', kind: 'context' }],
    ['buildkit-0.32-container-copy-missing-file.txt', build, { class: 'permanent', kind: 'context' }],
    // D1, dockerd
    ['dockerd-pull-dns-no-such-host.txt', pull, { class: 'transient', kind: 'dns', host: 'nonexistent.invalid' }],
    ['dockerd-pull-eof.txt', pull, { class: 'transient', kind: 'eof' }],
    ['dockerd-pull-tls-handshake-timeout.txt', pull, { class: 'transient', kind: 'tls' }],
    ['dockerd-pull-client-timeout.txt', pull, { class: 'transient', kind: 'timeout' }],
    ['dockerd-pull-503.txt', pull, { class: 'transient', kind: 'server-error' }],
    ['dockerd-pull-toomanyrequests.txt', pull, { class: 'transient', kind: 'rate-limit' }],
    ['dockerd-pull-blob-toomanyrequests.txt', pull, { class: 'transient', kind: 'rate-limit' }],
    ['dockerd-pull-blob-503.txt', pull, { class: 'transient', kind: 'server-error' }],
    ['dockerd-pull-token-refused.txt', pull, { class: 'transient', kind: 'refused' }],
    ['dockerd-pull-token-503.txt', pull, { class: 'transient', kind: 'server-error' }],
    ['dockerd-pull-unauthorized.txt', pull, { class: 'permanent', kind: 'unauthorized' }],
    ['dockerd-pull-denied.txt', pull, { class: 'permanent', kind: 'unauthorized' }],
    ['dockerd-pull-manifest-unknown.txt', pull, { class: 'permanent', kind: 'not-found' }],
    [
      'dockerd-pull-registry2-manifest-unknown.txt',
      pull,
      { class: 'permanent', kind: 'not-found', host: '127.0.0.1:5000' },
    ],
    ['dockerd-pull-name-unknown.txt', pull, { class: 'permanent', kind: 'not-found' }],
    ['dockerd-pull-no-matching-manifest.txt', pull, { class: 'permanent', kind: 'no-matching-platform' }],
    // D2, public logs
    [
      'buildkit-hub-429-server-message.txt',
      build,
      { class: 'transient', kind: 'rate-limit', host: 'registry-1.docker.io' },
    ],
    ['ghcr-429-retry-after.txt', build, { class: 'transient', kind: 'rate-limit', retryAfterSeconds: 0.317 }],
    ['docker-driver-429.txt', build, { class: 'transient', kind: 'rate-limit', host: 'registry-1.docker.io' }],
    ['buildkit-oauth-io-timeout.txt', build, { class: 'transient', kind: 'timeout' }],
    ['buildkit-deadline-exceeded.txt', build, { class: 'transient', kind: 'timeout' }],
    ['buildkit-oauth-eof.txt', build, { class: 'transient', kind: 'eof', host: 'auth.docker.io' }],
    ['buildkit-oauth-401.txt', build, { class: 'permanent', kind: 'unauthorized' }],
    ['buildkit-hub-pull-access-denied.txt', build, { class: 'permanent', kind: 'not-found' }],
    ['dockerd-pull-access-denied.txt', pull, { class: 'permanent', kind: 'not-found' }],
    ['dockerd-buildx-image-toomanyrequests.txt', pull, { class: 'transient', kind: 'rate-limit' }],
    // composed, whole BuildKit output
    [
      'buildkit-resolve-io-timeout.txt',
      build,
      {
        class: 'transient',
        kind: 'timeout',
        host: 'registry-1.docker.io',
        evidence:
          'ERROR: failed to solve: alpine:3.20: failed to resolve source metadata for docker.io/library/alpine:3.20: failed to do request: Head "https://registry-1.docker.io/v2/library/alpine/manifests/3.20": dial tcp 192.0.2.10:443: i/o timeout',
      },
    ],
    [
      'buildkit-run-exit-code.txt',
      build,
      {
        class: 'permanent',
        kind: 'run-step',
        evidence:
          'ERROR: failed to solve: process "/bin/sh -c npm run build" did not complete successfully: exit code: 2',
      },
    ],
    [
      'buildkit-run-exit-code-io-timeout.txt',
      build,
      {
        class: 'transient',
        kind: 'timeout',
        host: 'proxy.golang.org',
        evidence:
          '30.12 go: github.com/spf13/cobra@v1.8.1: Get "https://proxy.golang.org/github.com/spf13/cobra/@v/v1.8.1.mod": dial tcp 192.0.2.20:443: i/o timeout',
      },
    ],
    // captured in the lab, whole buildx output
    [
      'buildx-0.13-run-qemu-missing.txt',
      build,
      { class: 'permanent', kind: 'qemu', evidence: '#5 0.145 exec /bin/sh: exec format error' },
    ],
    ['buildx-0.13-no-builder.txt', build, { class: 'permanent', kind: 'builder' }],
    [
      'buildkit-0.32-proxy-407.txt',
      pull,
      {
        class: 'permanent',
        kind: 'proxy-auth',
        host: 'registry.lab.test:5000',
        evidence:
          'ERROR: failed to solve: docker.io/library/busybox:1.36: failed to resolve source metadata for docker.io/library/busybox:1.36: unexpected status from HEAD request to http://registry.lab.test:5000/v2/library/busybox/manifests/1.36?ns=docker.io: 407 Proxy Authentication Required',
      },
    ],
    [
      'buildkit-0.32-proxy-reset.txt',
      pull,
      {
        class: 'transient',
        kind: 'reset',
        host: 'registry.lab.test:5000',
        evidence: expect.stringMatching(/^….*read tcp [\d.:]+->127\.0\.0\.1:\d+: read: connection reset by peer$/),
      },
    ],
    [
      'buildkit-0.8-docker-run-disk-full.txt',
      build,
      { class: 'permanent', kind: 'disk-full', evidence: "#5 0.363 dd: error writing '/big': No space left on device" },
    ],
    ['buildx-0.13-daemon-down.txt', build, { class: 'permanent', kind: 'daemon' }],
    ['dockerd-pull-daemon-down.txt', pull, { class: 'permanent', kind: 'daemon' }],
    [
      'buildx-0.13-builder-boot-hub-dns.txt',
      build,
      {
        class: 'transient',
        kind: 'dns',
        host: 'registry-1.docker.io',
        evidence:
          'ERROR: Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io on 10.255.255.53:53: no such host',
      },
    ],
    // A remote node (host buildkitd) killed in the middle of a RUN step, and the same node down before a build.
    [
      'buildx-0.13-remote-node-killed-mid-build.txt',
      build,
      {
        class: 'transient',
        kind: 'builder-node',
        evidence: 'ERROR: failed to solve: Unavailable: error reading from server: EOF',
      },
    ],
    [
      'buildx-0.13-remote-node-down.txt',
      build,
      { class: 'transient', kind: 'builder-node', evidence: '#1 [internal] waiting for connection' },
    ],
  ])('%s', (name, context, { evidence, ...expected }) => {
    const text = fixture(name);
    expect(classifyFailure(text, context)).toEqual({ evidence: evidence ?? text.trim(), ...expected });
  });

  it('has a row for every fixture', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.txt'));
    const source = readFileSync(__filename, 'utf8');
    expect(files.filter((f) => !source.includes(`'${f}'`))).toEqual([]);
  });
});

type Row = [string, string, FailureContext, Partial<Classification>];

const check = (output: string, context: FailureContext, expected: Partial<Classification>) => {
  expect(classifyFailure(output, context)).toEqual({ evidence: output.trim(), ...expected });
};

describe('classifyFailure: permanent first, then transient', () => {
  test.each<Row>([
    [
      '401 from the oauth token endpoint is rejected credentials',
      'failed to authorize: failed to fetch oauth token: unexpected status from POST request to https://ghcr.io/token: 401 Unauthorized',
      build,
      { class: 'permanent', kind: 'unauthorized', host: 'ghcr.io' },
    ],
    [
      '403 from the anonymous token endpoint, status code only',
      'failed to fetch anonymous token: unexpected status from GET request to https://auth.docker.io/token?scope=repository%3Alibrary%2Falpine%3Apull&service=registry.docker.io: 403',
      build,
      { class: 'permanent', kind: 'unauthorized', host: 'auth.docker.io' },
    ],
    [
      'a token endpoint 503 stays transient',
      'failed to fetch oauth token: unexpected status from POST request to https://auth.docker.io/token: 503 Service Unavailable',
      build,
      { class: 'transient', kind: 'server-error', host: 'auth.docker.io' },
    ],
    [
      'a token failure without a known cause',
      'failed to authorize: failed to fetch oauth token: something unexpected',
      build,
      { class: 'transient', kind: 'oauth' },
    ],
    [
      'a concrete cause inside DeadlineExceeded (tech.md D2 top line)',
      'failed to solve: DeadlineExceeded: DeadlineExceeded: …',
      build,
      { class: 'transient', kind: 'timeout' },
    ],
    [
      'dockerd prefix, 403 DENIED',
      'Error response from daemon: denied: requested access to the resource is denied',
      pull,
      { class: 'permanent', kind: 'unauthorized' },
    ],
    [
      'newer moby wording for a missing repository',
      'Error response from daemon: repository example/missing not found',
      pull,
      { class: 'permanent', kind: 'not-found' },
    ],
    [
      'BuildKit missing tag with its ref',
      'ERROR: failed to solve: docker.io/library/alpine:does-not-exist: not found',
      build,
      { class: 'permanent', kind: 'not-found', host: 'docker.io' },
    ],
    [
      'the platform message ends in "not found" too',
      'ERROR: failed to solve: reg.example.com:5000/base:1: no match for platform in manifest sha256:abc: not found',
      build,
      { class: 'permanent', kind: 'no-matching-platform', host: 'reg.example.com:5000' },
    ],
    [
      'invalid reference',
      'ERROR: failed to solve: failed to parse stage name "Base:Latest": invalid reference format: repository name must be lowercase',
      build,
      { class: 'permanent', kind: 'invalid-reference' },
    ],
    [
      'a variable in COPY --from, as BuildKit 0.8 (Docker 20.10) reports it (captured)',
      'ERROR: failed to solve: rpc error: code = Unknown desc = failed to solve with frontend dockerfile.v0: failed to create LLB definition: failed to parse stage name "bench/l0-c1:latest-${TARGETARCH}": invalid reference format',
      build,
      { class: 'permanent', kind: 'invalid-reference' },
    ],
    [
      'a variable in COPY --from, as BuildKit since moby/buildkit#6153 reports it',
      'ERROR: failed to solve: variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround',
      build,
      { class: 'permanent', kind: 'invalid-reference' },
    ],
    [
      'Dockerfile syntax',
      'ERROR: failed to solve: dockerfile parse error on line 3: unknown instruction: RUNN',
      build,
      { class: 'permanent', kind: 'dockerfile' },
    ],
    [
      'Dockerfile without FROM (buildx 0.13 here)',
      'ERROR: failed to solve: no build stage in current context',
      build,
      { class: 'permanent', kind: 'dockerfile' },
    ],
    [
      'untrusted certificate (a proxy that intercepts TLS)',
      'Error response from daemon: Get "https://registry-1.docker.io/v2/": tls: failed to verify certificate: x509: certificate signed by unknown authority',
      pull,
      { class: 'permanent', kind: 'tls-config', host: 'registry-1.docker.io' },
    ],
    [
      'plain-HTTP registry not marked insecure',
      'Error response from daemon: Get "https://reg.lab:5000/v2/": http: server gave HTTP response to HTTPS client',
      pull,
      { class: 'permanent', kind: 'tls-config', host: 'reg.lab:5000' },
    ],
    [
      'newer Docker Hub rate-limit wording; the link is not the host',
      'Error response from daemon: toomanyrequests: You have reached your unauthenticated pull rate limit. https://www.docker.com/increase-rate-limit',
      pull,
      { class: 'transient', kind: 'rate-limit' },
    ],
    [
      '502 (tech.md D1)',
      'unexpected status from HEAD request to http://…/v2/foo/manifests/1: 502 Bad Gateway',
      build,
      { class: 'transient', kind: 'server-error' },
    ],
    [
      '504 is a server error, not our timeout',
      'unexpected status from HEAD request to http://…/v2/foo/manifests/1: 504 Gateway Timeout',
      build,
      { class: 'transient', kind: 'server-error' },
    ],
    [
      'connection reset',
      'Error response from daemon: Get "https://reg.example.com/v2/": read tcp 10.0.0.2:51234->10.0.0.9:443: read: connection reset by peer',
      pull,
      { class: 'transient', kind: 'reset', host: 'reg.example.com' },
    ],
    [
      'DNS lookup name when there is no URL',
      'dial tcp: lookup reg.example.com on 127.0.0.53:53: server misbehaving',
      pull,
      { class: 'transient', kind: 'dns', host: 'reg.example.com' },
    ],
  ])('%s', (_, output, context, expected) => check(output, context, expected));
});

describe('classifyFailure: rate limits', () => {
  test.each<[string, string, number | undefined]>([
    ['ghcr.io, Go duration in ms', 'toomanyrequests: retry-after: 316.890478ms', 0.317],
    ['compound Go duration', 'toomanyrequests: retry-after: 1m30s', 90],
    [
      'HTTP header on another line, seconds',
      'Retry-After: 60\nunexpected status from HEAD request to …: 429 Too Many Requests',
      60,
    ],
    ['the last one counts', 'toomanyrequests: retry-after: 2s\ntoomanyrequests: retry-after: 5s', 5],
    ['none given', 'unexpected status from HEAD request to …: 429 Too Many Requests', undefined],
  ])('%s', (_, output, seconds) => {
    const result = classifyFailure(output, build);
    expect(result).toMatchObject({ class: 'transient', kind: 'rate-limit' });
    expect(result.retryAfterSeconds).toBe(seconds);
  });
});

describe('classifyFailure: RUN steps', () => {
  const step = (log: string[], command: string, code = 1) =>
    [
      `#8 [2/2] RUN ${command}`,
      ...log.map((line) => `#8 ${line}`),
      `#8 ERROR: process "/bin/sh -c ${command}" did not complete successfully: exit code: ${code}`,
      '------',
      ` > [2/2] RUN ${command}:`,
      ...log,
      '------',
      'Dockerfile:2',
      '--------------------',
      '   1 |     FROM alpine:3.20',
      `   2 | >>> RUN ${command}`,
      '--------------------',
      `ERROR: failed to solve: process "/bin/sh -c ${command}" did not complete successfully: exit code: ${code}`,
    ].join('\n');

  test.each<[string, string, Classification]>([
    [
      'fails on its own: permanent',
      step(['0.151 /bin/sh: ./configure: Permission denied'], './configure', 126),
      {
        class: 'permanent',
        kind: 'run-step',
        evidence:
          'ERROR: failed to solve: process "/bin/sh -c ./configure" did not complete successfully: exit code: 126',
      },
    ],
    [
      'an i/o timeout in the log: transient',
      step(
        ['5.100 wget: download timed out', '5.101 read tcp 10.0.0.2:40122->192.0.2.30:443: i/o timeout'],
        'make fetch',
      ),
      { class: 'transient', kind: 'timeout', evidence: '5.101 read tcp 10.0.0.2:40122->192.0.2.30:443: i/o timeout' },
    ],
    [
      'apk cannot reach its mirror',
      step(
        [
          '5.270 WARNING: fetching https://dl-cdn.alpinelinux.org/alpine/v3.20/main: temporary error (try again later)',
          '5.271 ERROR: unable to select packages:',
          '5.272   curl (no such package):',
        ],
        'apk add --no-cache curl',
      ),
      {
        class: 'transient',
        kind: 'network',
        host: 'dl-cdn.alpinelinux.org',
        evidence:
          '5.270 WARNING: fetching https://dl-cdn.alpinelinux.org/alpine/v3.20/main: temporary error (try again later)',
      },
    ],
    [
      'curl cannot resolve',
      step(['0.420 curl: (6) Could not resolve host: github.com'], 'curl -fsSLO https://github.com/x/y/releases/v1/y'),
      { class: 'transient', kind: 'dns', evidence: '0.420 curl: (6) Could not resolve host: github.com' },
    ],
    [
      'a compiler\'s "unexpected EOF" is not the network',
      step(['4.020 ./main.go:12:1: syntax error: unexpected EOF, expected }'], 'go build ./...'),
      {
        class: 'permanent',
        kind: 'run-step',
        evidence:
          'ERROR: failed to solve: process "/bin/sh -c go build ./..." did not complete successfully: exit code: 1',
      },
    ],
    [
      'a download cut short is',
      step(
        ['12.30 go: downloading golang.org/x/sys v0.30.0', '15.80 go: golang.org/x/sys@v0.30.0: unexpected EOF'],
        'go mod download',
      ),
      {
        class: 'transient',
        kind: 'eof',
        evidence: '15.80 go: golang.org/x/sys@v0.30.0: unexpected EOF',
        host: 'golang.org',
      },
    ],
    [
      'network words in the command itself do not count',
      step([], 'grep -q "i/o timeout" /var/log/app.log'),
      {
        class: 'permanent',
        kind: 'run-step',
        evidence:
          'ERROR: failed to solve: process "/bin/sh -c grep -q "i/o timeout" /var/log/app.log" did not complete successfully: exit code: 1',
      },
    ],
    [
      'older BuildKit wording',
      'failed to solve: executor failed running [/bin/sh -c make]: exit code: 2',
      {
        class: 'permanent',
        kind: 'run-step',
        evidence: 'failed to solve: executor failed running [/bin/sh -c make]: exit code: 2',
      },
    ],
  ])('%s', (_, output, expected) => {
    expect(classifyFailure(output, build)).toEqual(expected);
  });
});

describe('classifyFailure: poisoned cache', () => {
  test.each<[string, string]>([
    [
      'state for index',
      'ERROR: failed to solve: failed to compute cache key: failed to get state for index 0 on [builder 1/5] FROM docker.io/library/golang:1.23',
    ],
    [
      'commit digest',
      'ERROR: failed to solve: failed to compute cache key: failed commit on ref "layer-sha256:aaaa": commit failed: unexpected commit digest sha256:bbbb, expected sha256:aaaa: failed precondition',
    ],
    ['content digest', 'ERROR: failed to solve: content digest sha256:cccc: not found'],
    [
      'parent snapshot',
      'ERROR: failed to solve: failed to prepare extraction snapshot "extract-123 sha256:dddd": parent snapshot sha256:eeee does not exist: not found',
    ],
    [
      'snapshot',
      'ERROR: failed to solve: failed to prepare sha256:ffff: snapshot sha256:ffff does not exist: not found',
    ],
  ])('%s: retry without cache', (_, output) => {
    expect(classifyFailure(output, build)).toMatchObject({
      class: 'transient',
      kind: 'poisoned-cache',
      noCacheOnRetry: true,
      evidence: output,
    });
  });

  test.each([
    'ERROR: failed to solve: failed to compute cache key: failed to calculate checksum of ref 7da3::mf6s: "/.git": not found',
    'failed to compute cache key: "/app/build/app.bin" not found: not found',
    '#11 ERROR: failed to calculate checksum of ref myqy::i8w3: "/doc/hello.cpp": not found',
  ])('a COPY source missing from the context is permanent: %s', (output) => {
    expect(classifyFailure(output, build)).toEqual({ class: 'permanent', kind: 'context', evidence: output });
  });
});

describe('classifyFailure: our own timeouts', () => {
  test.each<[string, string, FailureContext, Classification]>([
    [
      'per-attempt timeout while resolving (BuildKit never times out an HTTP hang)',
      '#2 [internal] load metadata for docker.io/library/alpine:3.20\n',
      { operation: 'build', timedOut: true },
      {
        class: 'transient',
        kind: 'timeout',
        evidence: '#2 [internal] load metadata for docker.io/library/alpine:3.20',
        host: 'docker.io',
      },
    ],
    [
      'what was printed before the kill does not matter',
      'Error response from daemon: manifest unknown',
      { operation: 'pull', timedOut: true },
      { class: 'transient', kind: 'timeout', evidence: 'Error response from daemon: manifest unknown' },
    ],
    [
      'stall timeout',
      '3.20: Pulling from library/alpine\n',
      { operation: 'pull', stalled: true },
      { class: 'transient', kind: 'stalled', evidence: '3.20: Pulling from library/alpine' },
    ],
    [
      'no output at all',
      '',
      { operation: 'build', timedOut: true },
      { class: 'transient', kind: 'timeout', evidence: '' },
    ],
  ])('%s', (_, output, context, expected) => {
    expect(classifyFailure(output, context)).toEqual(expected);
  });
});

describe('classifyFailure: nothing recognised', () => {
  test.each<[string, FailureContext, Classification]>([
    ['', pull, { class: 'transient', kind: 'unknown', evidence: '' }],
    ['', { operation: 'manifest' }, { class: 'transient', kind: 'unknown', evidence: '' }],
    ['', build, { class: 'permanent', kind: 'unknown', evidence: '' }],
    [' \n\r\n ', build, { class: 'permanent', kind: 'unknown', evidence: '' }],
    [
      'ERROR: failed to solve: Canceled: context canceled\n',
      build,
      { class: 'permanent', kind: 'unknown', evidence: 'ERROR: failed to solve: Canceled: context canceled' },
    ],
    [
      'Error response from daemon: something new\n',
      pull,
      { class: 'transient', kind: 'unknown', evidence: 'Error response from daemon: something new' },
    ],
  ])('%j (%j)', (output, context, expected) => {
    expect(classifyFailure(output, context)).toEqual(expected);
  });
});

describe('classifyFailure: reading the output', () => {
  it('strips ANSI colours, links and CR progress', () => {
    const output =
      '\x1b[34m#2 [internal] load metadata\x1b[0m\r\x1b[2K#2 resolving 0.5s\r\n' +
      '\x1b]8;;https://docs.docker.com\x07docs\x1b]8;;\x07\n' +
      '\x1b[31mERROR\x1b[0m: failed to solve: \x1b[1mDeadlineExceeded\x1b[22m: context deadline exceeded\n';
    expect(classifyFailure(output, build)).toEqual({
      class: 'transient',
      kind: 'timeout',
      evidence: 'ERROR: failed to solve: DeadlineExceeded: context deadline exceeded',
    });
  });

  it('takes the last matching line, not an earlier one of another class', () => {
    const output = [
      '#5 [2/3] RUN npm ci',
      '#5 3.2 npm warn optional dependency fsevents: not found',
      '#5 DONE 9.1s',
      '#7 [3/3] FROM docker.io/library/nginx:1.27',
      'ERROR: failed to solve: failed to fetch oauth token: Post "https://auth.docker.io/token": EOF',
      'View build details: docker-desktop://dashboard/build/default/default/abc',
    ].join('\n');
    expect(classifyFailure(output, build)).toEqual({
      class: 'transient',
      kind: 'eof',
      host: 'auth.docker.io',
      evidence: 'ERROR: failed to solve: failed to fetch oauth token: Post "https://auth.docker.io/token": EOF',
    });
  });

  it('ignores echoed Dockerfile lines and step headers', () => {
    const output = ['#3 [1/2] FROM reg.example.com/unauthorized:1', '   1 | >>> FROM reg.example.com/unauthorized:1'];
    expect(classifyFailure(output.join('\n'), build)).toEqual({ class: 'permanent', kind: 'unknown', evidence: '' });
  });

  it('clips long evidence to 300 characters and keeps the cause', () => {
    const output = `ERROR: failed to solve: ${'wrapped: '.repeat(60)}dial tcp 192.0.2.1:443: i/o timeout`;
    const { evidence } = classifyFailure(output, build);
    expect(evidence).toHaveLength(300);
    expect(evidence).toMatch(/^….*dial tcp 192\.0\.2\.1:443: i\/o timeout$/);
  });

  it('clips from the match when it comes early in a long line', () => {
    const output = `pull access denied for example/private, ${'x'.repeat(400)}`;
    const { evidence } = classifyFailure(output, pull);
    expect(evidence).toHaveLength(300);
    expect(evidence).toMatch(/^pull access denied for example\/private, x+…$/);
  });
});
