import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { pluginOptionsSchema } from './plugin';

/** The parts of a JSON schema (Nx schema.json, or zod's `z.toJSONSchema`) the reference shows. */
export interface JsonSchema {
  type?: string | string[];
  enum?: readonly unknown[];
  const?: unknown;
  default?: unknown;
  /** Nx: where a generator option comes from when not given, e.g. `{ "$source": "argv", "index": 0 }`. */
  $default?: { $source?: string; index?: number };
  description?: string;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  required?: string[];
  /** On a plugin option: the executor whose options it takes (for every target of that executor). */
  'x-executor'?: string;
}

/** An executor or generator as executors.json / generators.json list it, with its schema.json. */
export interface SchemaEntry {
  name: string;
  description?: string;
  aliases?: string[];
  schema: JsonSchema;
}

export interface ConfigurationInput {
  /** The plugin's package name, as written in nx.json and before `:<executor>`. */
  plugin: string;
  pluginOptions: JsonSchema;
  executors: SchemaEntry[];
  generators: SchemaEntry[];
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

type Collection = Record<string, { schema: string; description?: string; aliases?: string[] }>;

function entries(packageRoot: string, collection: Collection): SchemaEntry[] {
  return Object.entries(collection).map(([name, { schema, description, aliases }]) => ({
    name,
    ...(description && { description }),
    ...(aliases && { aliases }),
    schema: readJson<JsonSchema>(join(packageRoot, schema)),
  }));
}

/** Reads the plugin's schemas: its options (zod), and every executor and generator its package.json declares. */
export function loadConfigurationInput(packageRoot: string): ConfigurationInput {
  const pkg = readJson<{ name: string; executors: string; generators: string }>(join(packageRoot, 'package.json'));
  const collection = (file: string, key: 'executors' | 'generators') => {
    const path = join(packageRoot, file);
    return entries(dirname(path), readJson<Record<string, Collection>>(path)[key]);
  };
  return {
    plugin: pkg.name,
    pluginOptions: z.toJSONSchema(pluginOptionsSchema, { io: 'input' }) as JsonSchema,
    executors: collection(pkg.executors, 'executors'),
    generators: collection(pkg.generators, 'generators'),
  };
}
