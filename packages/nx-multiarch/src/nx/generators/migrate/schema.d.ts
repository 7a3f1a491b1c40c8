// Derived from the zod schema in options.ts; generator.spec.ts checks schema.json against it.
export type { MigrateGeneratorSchema } from './options';
