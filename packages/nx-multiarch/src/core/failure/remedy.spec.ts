import type { FailureKind } from './classify';
import { type RemedyContext, remedyCommands, remedyFor } from './remedy';

// Every kind classify.ts knows: the compiler fails here when a kind is added or renamed.
const EVERY_KIND = Object.keys({
  timeout: true,
  stalled: true,
  tls: true,
  dns: true,
  refused: true,
  unreachable: true,
  reset: true,
  eof: true,
  'server-error': true,
  'rate-limit': true,
  oauth: true,
  network: true,
  'poisoned-cache': true,
  'not-found': true,
  unauthorized: true,
  'no-matching-platform': true,
  'invalid-reference': true,
  context: true,
  dockerfile: true,
  'tls-config': true,
  'run-step': true,
  verification: true,
  config: true,
  qemu: true,
  'disk-full': true,
  'proxy-auth': true,
  'builder-node': true,
  builder: true,
  daemon: true,
  service: true,
  'missing-platform': true,
  unknown: true,
} satisfies Record<FailureKind, true>) as FailureKind[];

const LOG = '/ws/dist/images/api/logs/api-arm64-2.log';
const PRIVATE = 'registry.corp:5000';

const context = (fields: Partial<RemedyContext> = {}): RemedyContext => ({
  ...remedyCommands('acme'),
  project: 'api',
  platform: 'linux/arm64',
  host: PRIVATE,
  logFile: LOG,
  ...fields,
});

const DIAGNOSE = 'Check: nx run acme:diagnose (checks mirrors, proxies, DNS and the token endpoint from here)';
// Docker Hub itself failed: the pull went past the mirror, or there is none in the builder.
const HUB_DIRECT = (host: string) =>
  `the pull went to Docker Hub (${host}), which is unreachable from here: the builder has no mirror (a ` +
  'docker-container builder does not read daemon.json), or the mirror does not have this image. Check: ' +
  "nx run acme:diagnose shows the mirrors the builder uses; nx run acme:builder-setup writes daemon.json's into it";

describe('remedyCommands', () => {
  test.each([
    ['acme', { diagnose: 'nx run acme:diagnose', builderSetup: 'nx run acme:builder-setup' }],
    ['@shop/root', { diagnose: 'nx run @shop/root:diagnose', builderSetup: 'nx run @shop/root:builder-setup' }],
  ])('names the targets of workspace project %s', (project, expected) => {
    expect(remedyCommands(project)).toEqual(expected);
  });
});

describe('remedyFor: every kind', () => {
  it('covers the 32 kinds of classify.ts', () => {
    expect(EVERY_KIND).toHaveLength(32);
  });

  // What each remedy points the user at, after "Check: ": a command to run or a file to look at.
  test.each<[FailureKind, string]>([
    ['timeout', 'nx run acme:diagnose'],
    ['stalled', 'nx run acme:diagnose'],
    ['tls', 'nx run acme:diagnose'],
    ['dns', 'nx run acme:diagnose'],
    ['refused', 'nx run acme:diagnose'],
    ['unreachable', 'nx run acme:diagnose'],
    ['reset', 'nx run acme:diagnose'],
    ['eof', 'nx run acme:diagnose'],
    ['server-error', 'nx run acme:diagnose'],
    ['rate-limit', 'docker login'],
    // The context's host is a private registry: its token server, not Docker Hub.
    ['oauth', 'nx run acme:diagnose'],
    ['network', 'nx run acme:diagnose'],
    ['poisoned-cache', 'docker buildx prune --all'],
    ['not-found', 'docker buildx imagetools inspect <image>'],
    ['unauthorized', `docker login ${PRIVATE}`],
    ['no-matching-platform', 'docker buildx imagetools inspect <base image>'],
    ['invalid-reference', '.env / .env.example'],
    ['context', '.dockerignore'],
    // Neither knows the file: the error message itself names it.
    ['dockerfile', 'nx run api:build-image --dryRun'],
    ['tls-config', 'daemon.json insecure-registries'],
    ['run-step', LOG],
    ['verification', 'nx run acme:diagnose --probe'],
    ['config', 'nx show project api --json'],
    ['qemu', 'nx run acme:diagnose'],
    ['disk-full', 'docker builder prune'],
    ['proxy-auth', 'nx run acme:builder-setup'],
    ['builder', 'docker buildx ls'],
    ['daemon', 'nx run acme:diagnose'],
    ['service', 'nx run <service>:build-image --platform=arm64'],
    ['missing-platform', 'nx run api:push-image --platform=arm64'],
    ['unknown', LOG],
  ])('%s: one line, a cause, then Check: naming %p', (kind, named) => {
    const line = remedyFor(kind, context());
    expect(line).not.toContain('\n');
    expect(line.split('. Check: ')).toHaveLength(2);
    expect(line.split('. Check: ')[1]).toContain(named);
  });

  test.each(EVERY_KIND)('%s has a remedy without a host, platform or log file too', (kind) => {
    const line = remedyFor(kind, { ...remedyCommands('acme'), project: 'api' });
    expect(line).toMatch(/^[^\n]+\. Check: [^\n]+$/);
    expect(line).not.toContain('undefined');
  });
});

describe('remedyFor: exact lines', () => {
  // prettier-ignore
  test.each<[string, FailureKind, Partial<RemedyContext>, string]>([
    ['a timeout at Docker Hub: the builder went past the mirror', 'timeout', { host: 'registry-1.docker.io' },
      HUB_DIRECT('registry-1.docker.io')],
    ['a timeout at Docker Hub on a port', 'timeout', { host: 'registry-1.docker.io:443' },
      HUB_DIRECT('registry-1.docker.io:443')],
    ['a timeout at a private registry', 'timeout', {},
      `${PRIVATE} did not answer in time (slow link, dead proxy or a route that drops packets); it was retried. ` +
        DIAGNOSE],
    ['a timeout with no host', 'timeout', { host: undefined },
      'the registry did not answer in time (slow link, dead proxy or a route that drops packets); it was retried. ' +
        DIAGNOSE],
    ['Docker Hub not resolving', 'dns', { host: 'auth.docker.io' }, HUB_DIRECT('auth.docker.io')],
    ['a private registry not resolving', 'dns', {},
      `${PRIVATE} does not resolve from the builder (no DNS on this network, or a typo); it was retried. ${DIAGNOSE}`],
    ['refused', 'refused', {},
      `nothing listens at ${PRIVATE}: the registry, mirror or proxy is down or its port is wrong; it was retried. ` +
        DIAGNOSE],
    ['the TLS handshake timed out', 'tls', {},
      `the TLS handshake with ${PRIVATE} timed out: an intercepting proxy or a saturated link; it was retried. ` +
        DIAGNOSE],
    ['a reset through a proxy: the proxy is named, without credentials', 'reset', { proxy: 'http://***@proxy.corp:3128' },
      `the connection to ${PRIVATE} was dropped, usually by a proxy in between (the request went through the proxy ` +
        `http://***@proxy.corp:3128); it was retried. Check: is the proxy http://***@proxy.corp:3128 up and letting ` +
        `${PRIVATE} through? nx run acme:diagnose checks it, and mirrors, DNS and the token endpoint, from here`],
    ['a proxy asking for credentials', 'proxy-auth', { proxy: 'http://***@proxy.corp:3128' },
      'the proxy http://***@proxy.corp:3128 asked for credentials (407) it did not get or did not accept. Check: put ' +
        'user:password in the proxy URL (daemon.json "proxies" for the builder, HTTPS_PROXY for the client), then ' +
        'nx run acme:builder-setup; percent-encode special characters'],
    ['a full disk', 'disk-full', {},
      "the disk under Docker's data-root (or the builder's state) is full: nothing was built. Check: docker system " +
        'df shows what takes the space; free it with docker builder prune (--builder <name> for a container ' +
        'builder) and docker image prune, or move data-root to a bigger disk'],
    ['a 5xx', 'server-error', {},
      `${PRIVATE} answered 5xx: the registry or mirror is failing; it was retried. ${DIAGNOSE}`],
    ['rate-limited by Docker Hub', 'rate-limit', { host: 'registry-1.docker.io' },
      'registry-1.docker.io rate-limited the pulls (Docker Hub limits anonymous pulls per IP address). Check: pull ' +
        'through a registry mirror or docker login; prefetch warms each base image once per platform'],
    ['the oauth token from Docker Hub', 'oauth', { host: 'auth.docker.io' }, HUB_DIRECT('auth.docker.io')],
    ['the oauth token, no host known: Docker Hub assumed', 'oauth', { host: undefined },
      HUB_DIRECT('auth.docker.io')],
    ['the oauth token of a private registry', 'oauth', { host: 'registry.corp:5000' },
      'the token server of registry.corp:5000 handed out no token; it was retried. Check: nx run acme:diagnose ' +
        '(checks mirrors, proxies, DNS and the token endpoint from here)'],
    ['stalled', 'stalled', {},
      'the build printed nothing for longer than stallTimeout: a registry or a step hung. Check: ' +
        'nx run acme:diagnose; if a step is just slow (QEMU), raise stallTimeout'],
    ['a poisoned cache', 'poisoned-cache', {},
      "the builder's cache lost a record it pointed to; the retry ran without cache. Check: if it recurs: " +
        'docker buildx prune --all --builder <the builder nx run acme:builder-setup made>'],
    ['not found', 'not-found', { host: 'registry-1.docker.io' },
      'an image or tag does not exist at registry-1.docker.io (or it is private: Docker Hub answers both alike). ' +
        'Check: docker buildx imagetools inspect <image>; a mirror only serves what it has cached or can fetch'],
    ['unauthorized at a private registry', 'unauthorized', {},
      `${PRIVATE} refused the credentials (or there were none). Check: docker login ${PRIVATE} ` +
        '(buildx reads ~/.docker/config.json)'],
    ['unauthorized, no host known', 'unauthorized', { host: undefined },
      'the registry refused the credentials (or there were none). Check: docker login <registry> ' +
        '(buildx reads ~/.docker/config.json)'],
    ['no arm64 variant of a base image', 'no-matching-platform', {},
      'a base image has no arm64 variant. Check: docker buildx imagetools inspect <base image>; use a multi-arch ' +
        "tag, or drop arm64 from api's platforms"],
    ['an index without arm64', 'missing-platform', {},
      'the multi-arch index would lack linux/arm64: it was never pushed. Check: nx run api:push-image ' +
        '--platform=arm64, or publish without it: --partial'],
    ['an index, platform unknown', 'missing-platform', { platform: undefined },
      'the multi-arch index would lack a platform: it was never pushed. Check: nx run api:push-image ' +
        '--platform=<arch>, or publish without it: --partial'],
    ['a failed RUN step, with its log', 'run-step', {},
      'a RUN step exited non-zero: the build itself failed, not the network. Check: read ' +
        `${LOG}; rerun alone: nx run api:build-image --platform=arm64`],
    ['a failed RUN step, no log', 'run-step', { logFile: undefined, platform: 'linux/amd64' },
      'a RUN step exited non-zero: the build itself failed, not the network. Check: read the step output above; ' +
        'rerun alone: nx run api:build-image --platform=amd64'],
    ['no QEMU for arm64', 'qemu', {},
      'arm64 binaries cannot run on this machine: QEMU binfmt is not registered (or the step ran a binary of ' +
        'another architecture). Check: nx run acme:diagnose (checks binfmt_misc); install qemu-user-static, or add ' +
        'a native arm64 node to the builder'],
    ['no builder', 'builder', {},
      'the buildx builder is missing or could not start. Check: nx run acme:builder-setup recreates it; ' +
        'docker buildx ls shows what exists'],
    ['no daemon', 'daemon', {},
      'no Docker daemon answers at DOCKER_HOST. Check: start dockerd (or point DOCKER_HOST at it); ' +
        'nx run acme:diagnose'],
    ['a build-time service', 'service', {},
      'a build-time service did not start or become healthy. Check: the message has its container log; build it ' +
        'first: nx run <service>:build-image --platform=arm64'],
    ['plain HTTP or an untrusted certificate', 'tls-config', {},
      `${PRIVATE} speaks plain HTTP or has a certificate nobody trusts. Check: add it to daemon.json ` +
        `insecure-registries (or its CA to /etc/docker/certs.d/${PRIVATE}/), then nx run acme:builder-setup`],
    ['plain HTTP, no host known', 'tls-config', { host: undefined },
      'the registry speaks plain HTTP or has a certificate nobody trusts. Check: add it to daemon.json ' +
        'insecure-registries (or its CA to /etc/docker/certs.d/<host>/), then nx run acme:builder-setup'],
    ['something unrecognised, with its log', 'unknown', {},
      `not a failure nx-multiarch recognises. Check: read ${LOG}; nx run acme:diagnose checks the environment`],
    ['something unrecognised, no log', 'unknown', { logFile: undefined },
      'not a failure nx-multiarch recognises. Check: read the task output; nx run acme:diagnose checks the ' +
        'environment'],
  ])('%s', (_name, kind, fields, expected) => {
    expect(remedyFor(kind, context(fields))).toBe(expected);
  });
});
