import { z } from 'zod';

type JsonSchema = {
  type?: string;
  enum?: unknown[];
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
};

/**
 * Nx validates and documents executor options from schema.json; the executor's types come from zod.
 * These specs fail when the two disagree on names, types, enums, defaults or what is required.
 */
export function describeSchemaDrift(schemaJson: unknown, schema: z.ZodObject): void {
  const fromZod = z.toJSONSchema(schema, { io: 'input' }) as JsonSchema;
  const fromFile = schemaJson as JsonSchema;

  describe('schema.json matches the zod schema', () => {
    it('has the same properties', () => {
      expect(Object.keys(fromFile.properties ?? {}).sort()).toEqual(Object.keys(fromZod.properties ?? {}).sort());
    });

    it('has the same required properties', () => {
      expect([...(fromFile.required ?? [])].sort()).toEqual([...(fromZod.required ?? [])].sort());
    });

    test.each(Object.keys(schema.shape))('%s has the same type, enum and default', (name) => {
      const pick = ({ type, enum: values, default: value }: JsonSchema) => ({ type, enum: values, default: value });
      expect(pick(fromFile.properties?.[name] ?? {})).toEqual(pick(fromZod.properties?.[name] ?? {}));
    });
  });
}
