import { basename } from 'node:path';
import type { NormalizedComponentOptions } from './options';

/** The image a `--from` component is built FROM: its image for the same platform, as build-image tags it. */
export interface BaseComponent {
  name: string;
  /** `<registry>/<prefix><image>` */
  repository: string;
  tag: string;
}

const lines = (...parts: Array<string | false | undefined>) =>
  `${parts.filter((p) => p !== false && p !== undefined).join('\n')}\n`;

/** A Dockerfile that builds for any platform: TARGETARCH where it matters, no credentials in build args. */
export function componentDockerfile(options: NormalizedComponentOptions, from?: BaseComponent): string {
  const { name, service } = options;
  return lines(
    `# ${name}: one image per platform, tagged <name>:<tag>-<arch> by nx-multiarch (nx run ${name}:build-image).`,
    '# Credentials never go in ARG or ENV (they stay readable in the image history): use a BuildKit secret,',
    '# RUN --mount=type=secret,id=<id> ...',
    ...(from
      ? [
          `# ${from.name}'s image for the platform being built: BuildKit sets TARGETARCH (amd64, arm64) before FROM.`,
          `FROM ${from.repository}:${from.tag}-\${TARGETARCH}`,
        ]
      : [`FROM ${options.base}`]),
    '',
    '# Declared so RUN steps can use it (amd64, arm64); under QEMU the arm64 steps run emulated.',
    'ARG TARGETARCH',
    options.template && 'LABEL org.opencontainers.image.version="{{multiarch.tag}}"',
    '',
    `RUN echo "${name} for \${TARGETARCH}" > /etc/${name}-release`,
    ...(service
      ? [
          `# A build-time service: other components' builds wait until http://<host>:${service.port}${service.health} answers 2xx.`,
          `RUN mkdir -p /srv/www${dirOf(healthFile(service.health))} && echo ok > /srv/www${healthFile(service.health)}`,
          `EXPOSE ${service.port}`,
          `CMD ["busybox", "httpd", "-f", "-p", "${service.port}", "-h", "/srv/www"]`,
        ]
      : [`CMD ["cat", "/etc/${name}-release"]`]),
  );
}

// busybox httpd answers a directory with its index.html.
const healthFile = (path: string) => (path.endsWith('/') ? `${path}index.html` : path);

function dirOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash > 0 ? path.slice(0, slash) : '';
}

/** multiarch.json: only what differs from the plugin's defaults. */
export function componentConfig(options: NormalizedComponentOptions): string {
  const config = {
    // The project is named after its directory unless multiarch.json says otherwise.
    ...(basename(options.directory) !== options.name && { name: options.name }),
    phase: options.phase,
    ...(options.platforms && { platforms: options.platforms }),
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export function componentDockerignore(options: NormalizedComponentOptions): string {
  return lines(
    '# Not part of the image: a small context keeps uploads fast and cache keys stable.',
    'README.md',
    'multiarch.json',
    options.template && '*.tpl',
    '.env',
    '.env.*',
  );
}

export function componentReadme(options: NormalizedComponentOptions, from?: BaseComponent): string {
  const file = options.template ? 'Dockerfile.tpl' : 'Dockerfile';
  const service = options.service;
  return lines(
    `# ${options.name}`,
    '',
    `Component image built for each platform by nx-multiarch from \`${file}\` (${options.phase}${from ? `, FROM ${from.name}` : ''}).`,
    '',
    '```sh',
    `npx nx run ${options.name}:build-image --platform=arm64   # one platform`,
    `npx nx run ${options.name}:build-image                    # every platform in multiarch.json or nx.json`,
    '```',
    options.template &&
      `\n\`${file}\` is rendered to \`Dockerfile\` (gitignored) before each build: \`{{NAME}}\` comes from the shell, \`.env\`, \`.env.example\`, and \`{{multiarch.tag}}\` and friends from the plugin.`,
    service &&
      [
        '',
        `While other components build, this one can run as their build-time service. In their \`multiarch.json\`:`,
        '',
        '```json',
        JSON.stringify({
          services: [
            {
              project: options.name,
              port: service.port,
              health: service.health,
              buildArgs: { [`${constName(options.name)}_URL`]: '{url}' },
            },
          ],
        }),
        '```',
      ].join('\n'),
  );
}

const constName = (name: string) => name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
