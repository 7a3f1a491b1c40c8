// The platforms the benchmarks build: the demo, and a generated one of N components in L layers.
import { demoWorkspaceFiles } from '../../packages/nx-multiarch-e2e/src/workspace';

/** A change the benchmark makes to the workspace: each file's new text, given its old text. */
export type Edit = Record<string, (text: string) => string>;

export interface Platform {
  name: string;
  /** Workspace files (nx.json and package.json come from the workspace helper). */
  files: Record<string, string>;
  /** The directory holding one directory per component. */
  componentsDir: string;
  /** Plugin options for nx.json. */
  options: Record<string, unknown>;
  /** Projects left out of every contender (bake and a build loop cannot start services). */
  exclude: string[];
  /** Components that only retag an upstream image: the loop and bake pull and tag them as build.sh did. */
  upstreams: Record<string, string>;
  /** One component nothing depends on, and one that others are built FROM: each edit changes what its image holds. */
  leaf: { project: string; edit: Edit };
  foundation: { project: string; edit: Edit };
}

const appendRun = (line: string) => (text: string) => `${text.trimEnd()}\n${line}\n`;

/** The demo as a clean checkout has it; worker is left out (its build needs the hub running as a service). */
export function demoPlatform(): Platform {
  // The rendered Dockerfile gets the same line the template does, so bake and the loop (which do not render) see it.
  const gatewayEdit = appendRun('RUN echo bench-edit >> /www/index.html');
  const demo = demoWorkspaceFiles();
  return {
    name: 'demo',
    componentsDir: 'packages/demo',
    // .env as render would create it, so the first run does not change every hash that reads it.
    files: { ...demo, '.env': demo['.env.example'] },
    options: { components: ['packages/demo/**'], imagePrefix: 'demo/', platforms: ['amd64', 'arm64'] },
    exclude: ['worker'],
    upstreams: { cache: 'redis:7.2-alpine' },
    leaf: { project: 'portal', edit: { 'packages/demo/portal/Dockerfile': appendRun('RUN echo bench-edit > /bench') } },
    foundation: {
      project: 'gateway',
      edit: { 'packages/demo/gateway/Dockerfile.tpl': gatewayEdit, 'packages/demo/gateway/Dockerfile': gatewayEdit },
    },
  };
}

export const componentName = (layer: number, index: number) => `l${layer}-c${index}`;

/**
 * `count` components in `layers` layers of equal width. Layer 0 is FROM alpine; a component of layer k is FROM the
 * component of layer k-1 in its column and COPYs a file from the next column's, so a change to layer 0 spreads wider
 * with every layer, as a foundation change does on our users' platforms. Every image holds its version in a RUN step.
 */
export function generatedPlatform(count: number, layers: number, prefix = 'bench/'): Platform {
  const width = Math.ceil(count / layers);
  if (count < 1 || layers < 1 || (layers - 1) * width >= count) {
    throw new Error(`${count} components do not fill ${layers} layers of ${width}: the last layer would be empty`);
  }
  const files: Record<string, string> = {};
  for (let layer = 0; layer < layers; layer++) {
    for (let index = 0; index < width && layer * width + index < count; index++) {
      files[`components/${componentName(layer, index)}/Dockerfile`] = dockerfile(layer, index, width, prefix);
    }
  }
  const version = (text: string) => text.replace(/ v(\d+) /, (_, n) => ` v${Number(n) + 1} `);
  const leaf = componentName(layers - 1, 0);
  const foundation = componentName(0, 0);
  return {
    name: `generated ${count}/${layers}`,
    componentsDir: 'components',
    files,
    options: { components: ['components/*'], imagePrefix: prefix, platforms: ['amd64', 'arm64'] },
    exclude: [],
    upstreams: {},
    leaf: { project: leaf, edit: { [`components/${leaf}/Dockerfile`]: version } },
    foundation: { project: foundation, edit: { [`components/${foundation}/Dockerfile`]: version } },
  };
}

function dockerfile(layer: number, index: number, width: number, prefix: string): string {
  const self = componentName(layer, index);
  const record = `RUN echo "${self} v1 $TARGETARCH $(uname -m)" > /${self}`;
  if (layer === 0) return ['FROM alpine:3.20', 'ARG TARGETARCH', record, ''].join('\n');
  const parent = componentName(layer - 1, index);
  const neighbour = componentName(layer - 1, (index + 1) % width);
  // COPY --from does not expand ${TARGETARCH}; a stage FROM the image does.
  return [
    `FROM ${prefix}${neighbour}:latest-\${TARGETARCH} AS neighbour`,
    `FROM ${prefix}${parent}:latest-\${TARGETARCH}`,
    'ARG TARGETARCH',
    `COPY --from=neighbour /${neighbour} /from-${neighbour}`,
    record,
    '',
  ].join('\n');
}
