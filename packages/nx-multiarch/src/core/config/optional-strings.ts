import { z } from 'zod';

type OptionalStringShape<K extends string> = { [P in K]: z.ZodOptional<z.ZodString> };

/** An object of named fields, each an optional string: the keys we read from JSON that Docker's tools write. */
export function optionalStrings<const K extends string>(...keys: K[]) {
  const shape = Object.fromEntries(keys.map((key) => [key, z.string().optional()]));
  return z.object(shape as OptionalStringShape<K>);
}
