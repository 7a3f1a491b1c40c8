import type { ComponentKind, MigratedComponent } from './component';

const GROUPS: Array<[ComponentKind, string]> = [
  ['foundation', 'foundations'],
  ['dependent', 'dependents'],
  ['upstream', 'upstream'],
  ['none', 'not components'],
];

/** One line: how many components, and which are built first, after, or pulled. */
export function migrationSummary(
  source: string,
  components: ReadonlyArray<Pick<MigratedComponent, 'name' | 'kind'>>,
): string {
  const count = components.filter((c) => c.kind !== 'none').length;
  const groups = GROUPS.map(
    ([kind, label]) => [label, components.filter((c) => c.kind === kind).map((c) => c.name)] as const,
  )
    .filter(([, names]) => names.length > 0)
    .map(([label, names]) => `${label} ${names.join(', ')}`);
  return `${count} component${count === 1 ? '' : 's'} in ${source}/${groups.length ? `: ${groups.join('; ')}` : ''}`;
}
