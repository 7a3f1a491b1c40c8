/**
 * The multiarch.json a migration writes, or undefined when there is nothing to write. A key the file already has
 * wins (the user may have edited it): the migration only adds what is missing, so a second run writes nothing.
 */
export function mergeComponentConfig(
  existing: Readonly<Record<string, unknown>> | undefined,
  mapped: Readonly<Record<string, unknown>>,
): Record<string, unknown> | undefined {
  const missing = Object.entries(mapped).filter(([key]) => existing === undefined || !Object.hasOwn(existing, key));
  if (missing.length === 0) return undefined;
  return { ...existing, ...Object.fromEntries(missing) };
}

/** As the component generator writes it. */
export const componentConfigText = (config: Readonly<Record<string, unknown>>) =>
  `${JSON.stringify(config, null, 2)}\n`;
