import { z } from 'zod';
import { ConfigError } from '../failure/errors';

/** Turns the first zod issue into one error naming the file, the field and the fix. */
export function configErrorFromZod(source: string, error: z.ZodError): ConfigError {
  const issue = error.issues[0];
  const field = issue.path.length ? issue.path.join('.') : '(top level)';
  const fix =
    issue.code === 'unrecognized_keys'
      ? `remove or rename ${issue.keys.map((k) => `'${k}'`).join(', ')}`
      : 'correct the value as described';
  const problem = issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}` : issue.message;
  return new ConfigError(source, field, problem, fix);
}

/** JSON.parse whose error names the file. */
export function parseJson(text: string, source: string, syntaxFix = 'fix the JSON syntax'): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(source, '(file)', `not valid JSON (${(error as Error).message})`, syntaxFix);
  }
}

/** Validates with zod; the first problem becomes a ConfigError naming source and field. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, source: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw configErrorFromZod(source, parsed.error);
  return parsed.data;
}

/** The options without `keys`: flags another target forwarded that this one has no use for. */
export function omitKeys<T extends object>(options: T, keys: readonly string[]): T {
  return Object.fromEntries(Object.entries(options).filter(([key]) => !keys.includes(key))) as T;
}

type WithoutDefault<T> = T extends z.ZodDefault<infer Inner> ? Inner : T;

/** The fields of `Shape`, each optional and without its default. */
export type OptionalWithoutDefaults<Shape extends z.core.$ZodShape> = {
  -readonly [K in keyof Shape]: z.ZodOptional<WithoutDefault<Shape[K]>>;
};

/**
 * The same fields and checks, each optional and without its `.default()`: for settings that override only what the
 * user wrote (zod's `.partial()` keeps the defaults, so parsing `{}` would yield every one of them). Strips unknown keys
 * as a plain `z.object` does: call `.strict()` to reject them.
 */
export function withoutDefaults<Shape extends z.core.$ZodShape>(
  schema: z.ZodObject<Shape>,
): z.ZodObject<OptionalWithoutDefaults<Shape>> {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([key, field]) => [
      key,
      (field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : (field as z.ZodType)).optional(),
    ]),
  );
  return z.object(shape) as unknown as z.ZodObject<OptionalWithoutDefaults<Shape>>;
}
