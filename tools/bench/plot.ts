// docs/benchmarks.svg: median wall time per scenario and contender, grouped bars, one panel per platform.
import { CONTENDERS, SCENARIOS } from './builds';
import type { Aggregate } from './stats';
import { CONTENDER_TEXT } from './tables';

const WIDTH = 860;
const PANEL = 280;
const LEFT = 64;
const RIGHT = 16;
const TOP = 56;
const BOTTOM = 44;
const COLOURS: Record<(typeof CONTENDERS)[number], string> = {
  nx: '#1f77b4',
  'nx-ec2': '#7fb2dd',
  bake: '#d62728',
  loop: '#7f7f7f',
};

const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const n = (value: number) => Number(value.toFixed(1));

/** A round tick step (1, 2 or 5 times a power of ten) giving about five ticks up to `max`. */
export function tickStep(max: number): number {
  if (!(max > 0)) return 1;
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= raw) as number;
}

function panel(platform: string, aggregates: readonly Aggregate[], top: number): string[] {
  const height = PANEL - BOTTOM;
  const plotWidth = WIDTH - LEFT - RIGHT;
  const maxS = Math.max(...aggregates.map((a) => a.wall.max / 1000));
  const step = tickStep(maxS);
  const ceiling = Math.ceil(maxS / step) * step || step;
  const y = (seconds: number) => n(top + height - (seconds / ceiling) * height);
  const parts = [
    `<text class="title" x="${LEFT}" y="${top - 8}">${esc(platform)}: wall time (s), bars the median, lines min – max</text>`,
  ];
  for (let tick = 0; tick <= ceiling + 1e-9; tick += step) {
    parts.push(
      `<line class="grid" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(tick)}" y2="${y(tick)}"/>`,
      `<text class="tick" x="${LEFT - 6}" y="${y(tick) + 4}" text-anchor="end">${n(tick)}</text>`,
    );
  }
  parts.push(
    `<line class="axis" x1="${LEFT}" x2="${LEFT}" y1="${top}" y2="${top + height}"/>`,
    `<line class="axis" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${top + height}" y2="${top + height}"/>`,
  );
  const group = plotWidth / SCENARIOS.length;
  const bar = (group * 0.8) / CONTENDERS.length;
  SCENARIOS.forEach((scenario, g) => {
    const x0 = LEFT + g * group + group * 0.1;
    parts.push(
      `<text class="label" x="${n(LEFT + (g + 0.5) * group)}" y="${top + height + 18}" text-anchor="middle">${scenario}</text>`,
    );
    CONTENDERS.forEach((contender, c) => {
      const a = aggregates.find((m) => m.scenario === scenario && m.contender === contender);
      if (!a) return;
      const x = n(x0 + c * bar);
      const seconds = a.wall.median / 1000;
      const title = `${platform}, ${scenario}, ${CONTENDER_TEXT[contender]}: ${seconds.toFixed(1)} s median of ${a.wall.n}`;
      parts.push(
        `<rect class="bar" x="${x}" y="${y(seconds)}" width="${n(bar - 2)}" height="${n(top + height - y(seconds))}" fill="${COLOURS[contender]}"><title>${esc(title)}</title></rect>`,
        // Above the range line when there is one, so the line does not cross the number.
        `<text class="value" x="${n(x + (bar - 2) / 2)}" y="${n(y(a.wall.max / 1000) - 3)}" text-anchor="middle">${seconds.toFixed(1)}</text>`,
      );
      if (a.wall.max > a.wall.min) {
        const mid = n(x + (bar - 2) / 2);
        parts.push(
          `<line class="range" x1="${mid}" x2="${mid}" y1="${y(a.wall.min / 1000)}" y2="${y(a.wall.max / 1000)}"/>`,
        );
      }
    });
  });
  return parts;
}

/** The SVG document: a legend, then one panel per platform, in the order the platforms were measured. */
export function buildsSvg(aggregates: readonly Aggregate[]): string {
  const platforms = [...new Set(aggregates.map((a) => a.platform))];
  const height = 24 + platforms.length * (PANEL + TOP);
  const legend = CONTENDERS.map(
    (c, i) =>
      `<rect class="key" x="${LEFT + i * 150}" y="10" width="12" height="12" fill="${COLOURS[c]}"/>` +
      `<text class="label" x="${LEFT + i * 150 + 18}" y="21">${esc(CONTENDER_TEXT[c])}</text>`,
  );
  const panels = platforms.flatMap((p, i) =>
    panel(
      p,
      aggregates.filter((a) => a.platform === p),
      24 + TOP + i * (PANEL + TOP),
    ),
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    '<style>.grid{stroke:#ddd}.axis{stroke:#333}.range{stroke:#000}.title{font-weight:bold}.value{font-size:10px}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    ...legend,
    ...panels,
    '</svg>',
    '',
  ].join('\n');
}
