import type { JsonSchema } from './reference-input';

const COLUMNS = ['Option', 'Type', 'Required', 'Default', 'Description'];
/** Objects with at most this many properties are spelt out in the Type column, larger ones are `object`. */
const INLINE_PROPERTIES = 3;

/**
 * Author text (which may hold `code`) as one table cell or line: `|` escaped everywhere (GFM splits cells on it, even in
 * code), and outside code `<` (not HTML) and `*` (not emphasis).
 */
export function escapeText(text: string): string {
  return text
    .replace(/\s*\n\s*/g, ' ')
    .split(/(`[^`]*`)/)
    .map((part, index) => (index % 2 ? part : part.replace(/([<*])/g, '\\$1')).replace(/\|/g, '\\|'))
    .join('');
}

/** Text as inline code, its `|` escaped (GFM splits table cells on it, even in code). */
export const code = (text: string) => `\`${text.replace(/\|/g, '\\|')}\``;

/** The alternatives of a union schema (`anyOf` or `oneOf`), when it is one. */
export function alternatives(schema: JsonSchema): JsonSchema[] | undefined {
  return schema.anyOf ?? schema.oneOf;
}

/** Does typeOf spell it with a top-level `|` (so an array of it needs parentheses)? */
function isUnion(schema: JsonSchema): boolean {
  const union = alternatives(schema);
  if (union) return union.length > 1;
  if (schema.const !== undefined) return false;
  if (schema.enum) return schema.enum.length > 1;
  return Array.isArray(schema.type) && schema.type.length > 1;
}

/** A TypeScript-like type: `string`, `"a" | "b"`, `string[]`, `Record<string, string>`, `{ name: string }[]`... */
export function typeOf(schema: JsonSchema): string {
  const union = alternatives(schema);
  if (union) return union.map(typeOf).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (Array.isArray(schema.type)) return schema.type.map((type) => typeOf({ ...schema, type })).join(' | ');
  switch (schema.type) {
    case 'array': {
      const item = schema.items ? typeOf(schema.items) : 'unknown';
      return schema.items && isUnion(schema.items) ? `(${item})[]` : `${item}[]`;
    }
    case 'object': {
      const properties = Object.entries(schema.properties ?? {});
      if (properties.length > 0 && properties.length <= INLINE_PROPERTIES) {
        const required = schema.required ?? [];
        const fields = properties.map(([name, p]) => `${name}${required.includes(name) ? '' : '?'}: ${typeOf(p)}`);
        return `{ ${fields.join('; ')} }`;
      }
      if (properties.length === 0 && typeof schema.additionalProperties === 'object') {
        return `Record<string, ${typeOf(schema.additionalProperties)}>`;
      }
      return 'object';
    }
    case undefined:
      return 'unknown';
    default:
      return schema.type;
  }
}

function defaultOf(schema: JsonSchema): string {
  if (schema.default !== undefined) return code(JSON.stringify(schema.default));
  if (schema.$default?.$source === 'argv') return `positional argument ${(schema.$default.index ?? 0) + 1}`;
  return '';
}

/** A markdown table laid out as prettier lays it out (columns padded to their widest cell, at least 3). */
export function table(header: string[], rows: string[][]): string {
  const width = (cell: string) => [...cell].length;
  const widths = header.map((cell, i) => Math.max(3, width(cell), ...rows.map((row) => width(row[i]))));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => cell + ' '.repeat(widths[i] - width(cell))).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** A schema's properties as a table of options; `No options.` when it has none. */
export function optionsTable(schema: JsonSchema, describe: (name: string, option: JsonSchema) => string): string {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return 'No options.';
  const required = schema.required ?? [];
  const rows = properties.map(([name, option]) => [
    code(name),
    code(typeOf(option)),
    required.includes(name) ? 'yes' : '',
    defaultOf(option),
    describe(name, option),
  ]);
  return table(COLUMNS, rows);
}
