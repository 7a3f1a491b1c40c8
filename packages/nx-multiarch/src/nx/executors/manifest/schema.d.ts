// Derived from the zod schema in options.ts; options.spec.ts checks schema.json against it.
export type { ManifestExecutorSchema } from '../../../core/options/manifest';
