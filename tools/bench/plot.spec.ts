import { CONTENDERS, type Measurement, SCENARIOS } from './builds';
import { buildsSvg, tickStep } from './plot';
import { aggregate } from './stats';

const m = (
  platform: string,
  contender: Measurement['contender'],
  scenario: Measurement['scenario'],
  wallMs: number,
  repeat = 0,
): Measurement => ({
  platform,
  contender,
  scenario,
  repeat,
  wallMs,
  workMs: 0,
  images: 2,
  imagesBuilt: 0,
  builtProjects: [],
  stepsRan: 0,
  stepsCached: 0,
  processes: {},
});

// Every contender and scenario on two platforms, the generated one ten times slower; nx's cold run repeated.
const RUNS = ['demo', 'generated 40/4 <&>'].flatMap((platform, p) =>
  CONTENDERS.flatMap((contender, c) =>
    SCENARIOS.map((scenario, s) => m(platform, contender, scenario, (1 + c + s) * 1000 * 10 ** p)),
  ),
);
const SVG = buildsSvg(aggregate([...RUNS, m('demo', 'nx', 'cold', 3000, 1), m('demo', 'nx', 'cold', 500, 2)]));
const count = (pattern: RegExp) => SVG.match(pattern)?.length ?? 0;

describe('buildsSvg', () => {
  test('is one SVG document', () => {
    expect(SVG.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(SVG.trimEnd().endsWith('</svg>')).toBe(true);
  });

  test('draws one bar per (platform, contender, scenario), repeats drawn as one bar at their median', () => {
    expect(count(/<rect class="bar"/g)).toBe(2 * CONTENDERS.length * SCENARIOS.length);
    expect(SVG).toContain('<title>demo, cold, nx-multiarch: 1.0 s median of 3</title>');
  });

  test('draws the spread of repeated runs, and none for a single run', () => {
    expect(count(/<line class="range"/g)).toBe(1);
  });

  test('names each platform (escaped), each scenario under each panel, each contender in the legend', () => {
    expect(SVG).toContain('>demo: wall time (s), bars the median, lines min – max</text>');
    expect(SVG).toContain('>generated 40/4 &lt;&amp;&gt;: wall time (s), bars the median, lines min – max</text>');
    for (const scenario of SCENARIOS) expect(count(new RegExp(`>${scenario}</text>`, 'g'))).toBe(2);
    for (const name of ['nx-multiarch', 'nx, 2 emulated', 'bake', 'loop']) expect(SVG).toContain(`>${name}</text>`);
    expect(count(/<rect class="key"/g)).toBe(CONTENDERS.length);
  });

  test('gives each panel a y axis, an x axis and round ticks up to its own tallest bar', () => {
    expect(count(/<line class="axis"/g)).toBe(4);
    // demo's tallest: 7 s (loop, foundation): ticks 0 to 8 by 2; generated's: 70 s, by 20 up to 80.
    expect(SVG).toMatch(/>8<\/text>/);
    expect(SVG).toMatch(/>80<\/text>/);
    expect(SVG).not.toMatch(/>100<\/text>/);
  });

  test('bars are as tall as their time on their panel`s scale', () => {
    const height = (title: string) =>
      Number(new RegExp(`height="([\\d.]+)"[^>]*><title>${title}`).exec(SVG)?.[1] ?? NaN);
    expect(height('demo, foundation, loop: 7.0 s') / height('demo, warm, bake: 4.0 s')).toBeCloseTo(7 / 4, 1);
  });

  test('nothing measured: a legend and no panel', () => {
    const empty = buildsSvg([]);
    expect(empty).not.toContain('class="bar"');
    expect(empty).toContain('>bake</text>');
  });
});

describe('tickStep', () => {
  test.each<[number, number]>([
    [7, 2],
    [70, 20],
    [4, 1],
    [0.3, 0.1],
    [35, 10],
    [100, 20],
    [0, 1],
  ])('up to %p: %p', (max, step) => {
    expect(tickStep(max)).toBeCloseTo(step, 9);
  });
});
