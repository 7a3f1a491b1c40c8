import type { FailureKind } from './classify';
import { isDockerHubHost } from './classify';

export interface RemedyContext {
  /** The command that runs the diagnose target, e.g. `nx run acme:diagnose`. */
  diagnose: string;
  /** The command that runs the builder-setup target. */
  builderSetup: string;
  project: string;
  /** `linux/arm64`; absent for tasks that are not about one platform. */
  platform?: string;
  /** Registry (or other) host the failure names. */
  host?: string;
  /** The whole output of the failed attempt. */
  logFile?: string;
  /** The proxy the builder (or daemon) sends registry requests through, credentials out. */
  proxy?: string;
  /** The builder node on another machine the platform went to: `armnode (tcp://arm:1234)`. */
  node?: string;
}

interface Remedy {
  /** The likely cause, in the user's terms. */
  cause: string;
  /** What to run (or look at) to confirm it, and the fix. */
  check: string;
}

type Rule = (c: RemedyContext & { where: string; arch: string }) => Remedy;

// With a proxy in the path, the proxy is the first suspect: it is named, so a user knows which one to check.
const network =
  (cause: (c: Parameters<Rule>[0]) => string): Rule =>
  (c) => ({
    cause: `${cause(c)}${c.proxy ? ` (the request went through the proxy ${c.proxy})` : ''}; it was retried`,
    check: c.proxy
      ? `is the proxy ${c.proxy} up and letting ${c.host ?? 'the registry'} through? ${c.diagnose} checks it, and mirrors, DNS and the token endpoint, from here`
      : `${c.diagnose} (checks mirrors, proxies, DNS and the token endpoint from here)`,
  });

const hubDirect: Rule = (c) => ({
  cause:
    `the pull went to Docker Hub (${c.host ?? 'auth.docker.io'}), which is unreachable from here: the builder has no ` +
    'mirror (a docker-container builder does not read daemon.json), or the mirror does not have this image',
  check: `${c.diagnose} shows the mirrors the builder uses; ${c.builderSetup} writes daemon.json's into it`,
});

// One line per failure kind: what most likely happened, and the command that confirms or fixes it.
const REMEDIES: Record<FailureKind, Rule> = {
  timeout: (c) =>
    c.host && isDockerHubHost(c.host)
      ? hubDirect(c)
      : network((c) => `${c.where} did not answer in time (slow link, dead proxy or a route that drops packets)`)(c),
  stalled: (c) => ({
    cause: 'the build printed nothing for longer than stallTimeout: a registry or a step hung',
    check: `${c.diagnose}; if a step is just slow (QEMU), raise stallTimeout`,
  }),
  tls: network((c) => `the TLS handshake with ${c.where} timed out: an intercepting proxy or a saturated link`),
  dns: (c) =>
    c.host && isDockerHubHost(c.host)
      ? hubDirect(c)
      : network((c) => `${c.where} does not resolve from the builder (no DNS on this network, or a typo)`)(c),
  refused: network((c) => `nothing listens at ${c.where}: the registry, mirror or proxy is down or its port is wrong`),
  unreachable: network((c) => `no route to ${c.where}: a firewall or an offline network`),
  reset: network((c) => `the connection to ${c.where} was dropped, usually by a proxy in between`),
  eof: network((c) => `${c.where} closed the connection mid-request (a proxy, or an overloaded registry)`),
  'server-error': network((c) => `${c.where} answered 5xx: the registry or mirror is failing`),
  'rate-limit': (c) => ({
    cause: `${c.where} rate-limited the pulls (Docker Hub limits anonymous pulls per IP address)`,
    check: 'pull through a registry mirror or docker login; prefetch warms each base image once per platform',
  }),
  oauth: (c) =>
    !c.host || isDockerHubHost(c.host)
      ? hubDirect(c)
      : network((c) => `the token server of ${c.where} handed out no token`)(c),
  network: network((c) => `a download from ${c.where} failed`),
  'poisoned-cache': (c) => ({
    cause: "the builder's cache lost a record it pointed to; the retry ran without cache",
    check: `if it recurs: docker buildx prune --all --builder <the builder ${c.builderSetup} made>`,
  }),
  'not-found': (c) => ({
    cause: `an image or tag does not exist at ${c.where} (or it is private: Docker Hub answers both alike)`,
    check: 'docker buildx imagetools inspect <image>; a mirror only serves what it has cached or can fetch',
  }),
  unauthorized: (c) => ({
    cause: `${c.where} refused the credentials (or there were none)`,
    check: `docker login ${c.host ?? '<registry>'} (buildx reads ~/.docker/config.json)`,
  }),
  'no-matching-platform': (c) => ({
    cause: `a base image has no ${c.arch} variant`,
    check: `docker buildx imagetools inspect <base image>; use a multi-arch tag, or drop ${c.arch} from ${c.project}'s platforms`,
  }),
  'missing-platform': (c) => ({
    cause: `the multi-arch index would lack ${c.platform ?? 'a platform'}: it was never pushed`,
    check: `nx run ${c.project}:push-image --platform=${c.arch}, or publish without it: --partial`,
  }),
  'invalid-reference': () => ({
    cause:
      'an image reference is malformed: often an empty build arg in FROM, or a variable in COPY --from (never expanded)',
    check:
      'check the ARGs FROM uses in .env / .env.example (dry run: --dryRun prints the argv); for COPY --from=<image:${VAR}>, add a stage FROM it and copy from the stage',
  }),
  context: () => ({
    cause: 'a COPY/ADD source is not in the build context (not retried: no retry can add it)',
    check:
      'the path is relative to the context, the component directory unless multiarch.json sets "context"; check the file exists there and .dockerignore does not exclude it',
  }),
  dockerfile: (c) => ({
    cause: 'the Dockerfile does not parse',
    check: `fix the line the error names; nx run ${c.project}:build-image --dryRun shows the Dockerfile and argv used`,
  }),
  'tls-config': (c) => ({
    cause: `${c.where} speaks plain HTTP or has a certificate nobody trusts`,
    check: `add it to daemon.json insecure-registries (or its CA to /etc/docker/certs.d/${c.host ?? '<host>'}/), then ${c.builderSetup}`,
  }),
  'run-step': (c) => ({
    cause: 'a RUN step exited non-zero: the build itself failed, not the network',
    check: `read ${c.logFile ?? 'the step output above'}; rerun alone: nx run ${c.project}:build-image --platform=${c.arch}`,
  }),
  verification: (c) => ({
    cause: 'the image that came out is not what was asked for (wrong architecture or digest)',
    check: `${c.diagnose} --probe (runs uname -m per platform); a base image may mislabel its platform`,
  }),
  config: (c) => ({
    cause: 'bad configuration: the message names the file, the field and the fix',
    check: `nx show project ${c.project} --json shows the options the target got; docs/configuration.md lists them`,
  }),
  qemu: (c) => ({
    cause: `${c.arch} binaries cannot run on this machine: QEMU binfmt is not registered (or the step ran a binary of another architecture)`,
    check: `${c.diagnose} (checks binfmt_misc); install qemu-user-static, or add a native ${c.arch} node to the builder`,
  }),
  'disk-full': () => ({
    cause: "the disk under Docker's data-root (or the builder's state) is full: nothing was built",
    check:
      'docker system df shows what takes the space; free it with docker builder prune (--builder <name> for a ' +
      'container builder) and docker image prune, or move data-root to a bigger disk',
  }),
  'proxy-auth': (c) => ({
    cause: `the proxy ${c.proxy ?? '(HTTPS_PROXY / daemon.json proxies)'} asked for credentials (407) it did not get or did not accept`,
    check: `put user:password in the proxy URL (daemon.json "proxies" for the builder, HTTPS_PROXY for the client), then ${c.builderSetup}; percent-encode special characters`,
  }),
  'builder-node': (c) => ({
    cause: `the BuildKit node ${c.node ?? 'of the builder'}${c.platform ? `, which builds ${c.platform},` : ''} stopped answering (restarted, out of memory, or its machine is unreachable); it was retried`,
    check: `is buildkitd running there? ${c.builderSetup} asks every node and shows which answer; to build without it, drop it from the builder's nodes (its platform then goes to the first node, under QEMU)`,
  }),
  builder: (c) => ({
    cause: 'the buildx builder is missing or could not start',
    check: `${c.builderSetup} recreates it; docker buildx ls shows what exists`,
  }),
  daemon: (c) => ({
    cause: 'no Docker daemon answers at DOCKER_HOST',
    check: `start dockerd (or point DOCKER_HOST at it); ${c.diagnose}`,
  }),
  service: (c) => ({
    cause: 'a build-time service did not start or become healthy',
    check: `the message has its container log; build it first: nx run <service>:build-image --platform=${c.arch}`,
  }),
  unknown: (c) => ({
    cause: 'not a failure nx-multiarch recognises',
    check: `read ${c.logFile ?? 'the task output'}; ${c.diagnose} checks the environment`,
  }),
};

/** The one line that tells a user what most likely went wrong and how to confirm it. */
export function remedyFor(kind: FailureKind, context: RemedyContext): string {
  const where = context.host ?? 'the registry';
  const arch = context.platform?.replace(/^linux\//, '') ?? '<arch>';
  const { cause, check } = REMEDIES[kind]({ ...context, where, arch });
  return `${cause}. Check: ${check}`;
}

/** The commands a remedy names, for a workspace whose workspace-level project is `workspaceProject`. */
export function remedyCommands(workspaceProject: string): Pick<RemedyContext, 'diagnose' | 'builderSetup'> {
  return { diagnose: `nx run ${workspaceProject}:diagnose`, builderSetup: `nx run ${workspaceProject}:builder-setup` };
}
