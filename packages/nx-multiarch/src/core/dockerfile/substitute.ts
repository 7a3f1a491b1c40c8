/**
 * Dockerfile variable substitution: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:+alt}`, `${VAR+alt}`; `\$` stays a literal `$`. Unknown variables become empty, as in Docker.
 * The word after a modifier is itself expanded (`${A:-$B}`, `${A:-${B}}`), as in Docker.
 * Returns the text and the names that had no value (so callers can tell a guess from a fact).
 */
export function substitute(
  text: string,
  vars: Readonly<Record<string, string | undefined>>,
): { value: string; unresolved: string[] } {
  const unresolved: string[] = [];
  const lookup = (name: string): string | undefined => (Object.hasOwn(vars, name) ? vars[name] : undefined);
  const pattern =
    /\\\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])((?:\$\{[^{}]*\}|[^}])*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;
  const value = text.replace(pattern, (match, braced?: string, op?: string, word?: string, bare?: string) => {
    if (match === '\\$') return '$';
    const name = (braced ?? bare) as string;
    const current = lookup(name);
    const isSet = current !== undefined;
    const isNonEmpty = isSet && current !== '';
    const expand = () => {
      const inner = substitute(word ?? '', vars);
      unresolved.push(...inner.unresolved);
      return inner.value;
    };
    switch (op) {
      case ':-':
        return isNonEmpty ? current : expand();
      case '-':
        return isSet ? current : expand();
      case ':+':
        return isNonEmpty ? expand() : '';
      case '+':
        return isSet ? expand() : '';
      default:
        if (!isSet) unresolved.push(name);
        return current ?? '';
    }
  });
  return { value, unresolved };
}
