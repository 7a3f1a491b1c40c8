import { redactText } from '../network/proxy';
import { REDACTED } from './names';

// Short values would mask ordinary words ("1", "yes"); a credential that short is no secret anyway.
const MIN_MASKED_LENGTH = 4;

/** Hides known secret values (longest first, so one that contains another goes whole) and URL credentials. */
export function masker(values: readonly string[]): (text: string) => string {
  const masked = [...new Set(values.filter((v) => v.length >= MIN_MASKED_LENGTH))].sort((a, b) => b.length - a.length);
  return (text) => redactText(masked.reduce((out, value) => out.split(value).join(REDACTED), text));
}
