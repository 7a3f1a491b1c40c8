import { ConfigError } from '../failure/errors';
import { imageRepository } from '../image/tag';
import type { ServiceSpec } from '../options/service';
import { type Component, type ComponentDefaults, readComponent } from './component';

/** Every component of the workspace, by name: what `services` and `after` refer to. */
export type Catalog = Map<string, Component>;

/** Each root's component, or the error reading it; read all first, since services name other components. */
export function readCatalog(roots: Iterable<string>, workspaceRoot: string, options: ComponentDefaults) {
  const components = new Map<string, Component | Error>();
  const byName: Catalog = new Map();
  for (const root of roots) {
    try {
      const component = readComponent(root, workspaceRoot, options);
      components.set(root, component);
      byName.set(component.name, component);
    } catch (error) {
      components.set(root, error as Error);
    }
  }
  return { components, byName };
}

function unknownComponent(component: Component, path: string, name: string, byName: Catalog): ConfigError {
  return new ConfigError(
    component.configFile,
    path,
    `no component named '${name}'`,
    `use one of ${[...byName.keys()].sort().join(', ')}`,
  );
}

/** The component's build-time services, resolved to the images their own components build. */
export function serviceSpecs(component: Component, byName: Catalog): ServiceSpec[] {
  return (component.config.services ?? []).map((service, index) => {
    const provider = byName.get(service.project);
    if (!provider) throw unknownComponent(component, `services.${index}.project`, service.project, byName);
    const image = service.image ?? provider.images[0].name;
    if (!provider.images.some((i) => i.name === image)) {
      throw new ConfigError(
        component.configFile,
        `services.${index}.image`,
        `${service.project} has no image '${image}'`,
        `use one of ${provider.images.map((i) => i.name).join(', ')}`,
      );
    }
    return {
      project: provider.name,
      repository: imageRepository(provider.naming, image),
      tag: provider.naming.tag,
      platforms: provider.platforms,
      port: service.port,
      health: service.health,
      timeout: service.timeout,
      hostname: service.hostname ?? provider.name,
      buildArgs: service.buildArgs ?? {},
      platform: service.platform,
    };
  });
}

/** Throws unless every component named in `after` exists. */
export function checkAfter(component: Component, byName: Catalog): void {
  (component.config.after ?? []).forEach((name, index) => {
    if (!byName.has(name)) throw unknownComponent(component, `after.${index}`, name, byName);
  });
}
