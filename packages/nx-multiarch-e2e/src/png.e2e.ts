// The screenshot tooling the report tests rely on: headless chromium renders a page, decodePng reads the
// screenshot and colorRegions finds the coloured boxes. Needs chromium, not the Docker lab.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { dumpDom, screenshot } from './browser';
import { colorRegions, decodePng, PngImage } from './png';

type Rgb = [number, number, number];
const RED: Rgb = [220, 38, 38];
const GREEN: Rgb = [22, 163, 74];
const NEAR_RED: Rgb = [236, 38, 38]; // 16 away from RED on one channel

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nx-multiarch-png-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

// ---- a minimal PNG encoder, independent of the decoder under test ----

function chunk(type: string, body: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/** Filters each scanline with the given filter type (the spec's encoder side). */
function filterRows(rows: number[][], filters: number[], bpp: number): Buffer {
  const out: number[] = [];
  rows.forEach((row, y) => {
    const up = y > 0 ? rows[y - 1] : row.map(() => 0);
    out.push(filters[y]);
    row.forEach((value, i) => {
      const a = i >= bpp ? row[i - bpp] : 0;
      const b = up[i];
      const c = i >= bpp ? up[i - bpp] : 0;
      const predictor = [0, a, b, Math.floor((a + b) / 2), paeth(a, b, c)][filters[y]];
      out.push((value - predictor + 256) % 256);
    });
  });
  return Buffer.from(out);
}

interface PngSpec {
  width: number;
  height: number;
  colorType: number;
  bitDepth?: number;
  interlace?: number;
  extra?: Buffer[]; // chunks between IHDR and IDAT
  idatParts?: number; // split the compressed data over this many IDAT chunks
}

function encodePng(spec: PngSpec, filtered: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(spec.width, 0);
  ihdr.writeUInt32BE(spec.height, 4);
  ihdr.set([spec.bitDepth ?? 8, spec.colorType, 0, 0, spec.interlace ?? 0], 8);
  const compressed = deflateSync(filtered);
  const parts = spec.idatParts ?? 1;
  const size = Math.ceil(compressed.length / parts);
  const idat = Array.from({ length: parts }, (_, i) => chunk('IDAT', compressed.subarray(i * size, (i + 1) * size)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...(spec.extra ?? []),
    chunk('tEXt', Buffer.from('Comment\0ancillary chunks are skipped', 'latin1')),
    ...idat,
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function pixel(image: PngImage, x: number, y: number): number[] {
  const o = (y * image.width + x) * 4;
  return Array.from(image.rgba.subarray(o, o + 4));
}

function allPixels(image: PngImage): number[][] {
  return Array.from({ length: image.width * image.height }, (_, i) =>
    pixel(image, i % image.width, (i / image.width) | 0),
  );
}

// 4x5 RGB pixels with steep steps (so that the filters wrap around 0/255) and one row per filter type.
const RGB_PIXELS: Rgb[][] = [
  [
    [0, 0, 0],
    [255, 255, 255],
    [250, 5, 128],
    [7, 249, 3],
  ],
  [
    [255, 0, 10],
    [3, 254, 200],
    [128, 128, 128],
    [255, 255, 0],
  ],
  [
    [1, 2, 3],
    [200, 100, 50],
    [50, 100, 200],
    [254, 1, 254],
  ],
  [
    [220, 38, 38],
    [22, 163, 74],
    [255, 255, 255],
    [0, 255, 0],
  ],
  [
    [9, 250, 131],
    [240, 17, 66],
    [33, 33, 200],
    [199, 201, 2],
  ],
];

describe('decodePng on hand-made PNGs', () => {
  it('decodes an 8-bit RGB image whose rows use each of the five filter types', () => {
    const rows = RGB_PIXELS.map((row) => row.flat());
    const png = encodePng({ width: 4, height: 5, colorType: 2 }, filterRows(rows, [0, 1, 2, 3, 4], 3));
    const image = decodePng(png);
    expect([image.width, image.height]).toEqual([4, 5]);
    expect(image.rgba).toHaveLength(4 * 5 * 4);
    expect(allPixels(image)).toEqual(RGB_PIXELS.flat().map((rgb) => [...rgb, 255]));
  });

  it('decodes Paeth picking each of left, up and upper-left (bytes worked out by hand)', () => {
    // 2x2 RGB; row 1 is Paeth-filtered. For pixel (1,1): red predicts from the left (a=100 b=12 c=10),
    // green from the upper left (a=100 b=10 c=50), blue from above (a=35 b=60 c=30).
    const filtered = Buffer.from([0, 10, 50, 30, 12, 10, 60, 4, 90, 50, 5, 50, 246, 30]);
    const image = decodePng(encodePng({ width: 2, height: 2, colorType: 2 }, filtered));
    expect(allPixels(image)).toEqual([
      [10, 50, 30, 255],
      [12, 10, 60, 255],
      [100, 100, 35, 255],
      [150, 40, 90, 255],
    ]);
  });

  it('breaks Paeth ties in the order left, up, upper-left (bytes worked out by hand)', () => {
    // 2x2 RGB; row 1 is Paeth-filtered. For pixel (1,1): red ties left and upper left (a=30 b=60 c=50:
    // pa = pc = 10), green ties up and upper left (a=60 b=30 c=50: pb = pc = 10); both predict 30.
    const filtered = Buffer.from([0, 50, 50, 7, 60, 30, 7, 4, 236, 10, 0, 70, 70, 93]);
    const image = decodePng(encodePng({ width: 2, height: 2, colorType: 2 }, filtered));
    expect(allPixels(image)).toEqual([
      [50, 50, 7, 255],
      [60, 30, 7, 255],
      [30, 60, 7, 255],
      [100, 100, 100, 255],
    ]);
  });

  it('decodes Average without wrapping the sum of left and up (bytes worked out by hand)', () => {
    // 2x2 RGB; row 1 is Average-filtered. Pixel (0,1): 195 + (0 + 10) >> 1 = 200. Pixel (1,1): the predictor
    // is (200 + 250) >> 1 = 225 (not (450 & 255) >> 1 = 97), and 225 + 40 = 265 wraps to 9.
    const filtered = Buffer.from([0, 10, 10, 10, 250, 250, 250, 3, 195, 195, 195, 40, 40, 40]);
    const image = decodePng(encodePng({ width: 2, height: 2, colorType: 2 }, filtered));
    expect(allPixels(image)).toEqual([
      [10, 10, 10, 255],
      [250, 250, 250, 255],
      [200, 200, 200, 255],
      [9, 9, 9, 255],
    ]);
  });

  it('decodes an 8-bit RGBA image split over several IDAT chunks, filters in reverse order', () => {
    const rgba = RGB_PIXELS.map((row, y) => row.map((rgb, x) => [...rgb, (x * 60 + y * 17) % 256]));
    const rows = rgba.map((row) => row.flat());
    const png = encodePng({ width: 4, height: 5, colorType: 6, idatParts: 3 }, filterRows(rows, [4, 3, 2, 1, 0], 4));
    expect(allPixels(decodePng(png))).toEqual(rgba.flat());
  });

  it('decodes 2-bit and 8-bit palette images, with tRNS alpha', () => {
    const palette = [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
      [9, 9, 9],
    ];
    const plte = chunk('PLTE', Buffer.from(palette.flat()));
    const trns = chunk('tRNS', Buffer.from([255, 128])); // entries 2 and 3 stay opaque
    const indices = [
      [0, 1, 2, 3, 3],
      [3, 2, 1, 0, 1],
      [1, 1, 0, 0, 2],
    ];
    const expected = indices.flat().map((i) => [...palette[i], [255, 128][i] ?? 255]);

    // 2 bits per pixel, four to a byte, most significant first; 5 pixels need 2 bytes per row.
    const packed = indices.map((row) =>
      [0, 1].map((b) => row.slice(b * 4, b * 4 + 4).reduce((n, i, k) => n | (i << (6 - 2 * k)), 0)),
    );
    const twoBit = encodePng(
      { width: 5, height: 3, colorType: 3, bitDepth: 2, extra: [plte, trns] },
      filterRows(packed, [1, 2, 4], 1),
    );
    expect(allPixels(decodePng(twoBit))).toEqual(expected);

    const eightBit = encodePng(
      { width: 5, height: 3, colorType: 3, extra: [plte, trns] },
      filterRows(indices, [3, 0, 4], 1),
    );
    expect(allPixels(decodePng(eightBit))).toEqual(expected);
  });

  it('rejects what it does not support, saying what it is', () => {
    const rgb = (spec: Partial<PngSpec>) =>
      encodePng({ width: 1, height: 1, colorType: 2, ...spec }, Buffer.from([0, 1, 2, 3]));
    expect(() => decodePng(Buffer.from('GIF89a....'))).toThrow(/Not a PNG/);
    expect(() => decodePng(rgb({ interlace: 1 }))).toThrow(/interlaced/);
    expect(() => decodePng(rgb({ bitDepth: 16 }))).toThrow(/16-bit truecolour \(RGB\); only 8-bit/);
    expect(() => decodePng(rgb({ colorType: 0 }))).toThrow(/colour type 0 \(greyscale\)/);
    expect(() => decodePng(rgb({ colorType: 4 }))).toThrow(/colour type 4 \(greyscale with alpha\)/);
    expect(() => decodePng(rgb({ colorType: 3 }))).toThrow(/palette image without a PLTE/);
    expect(() => decodePng(encodePng({ width: 1, height: 1, colorType: 2 }, Buffer.from([5, 1, 2, 3])))).toThrow(
      /unknown filter type 5/,
    );
    const good = rgb({});
    const corrupt = Buffer.from(good);
    corrupt[20] ^= 0xff; // inside IHDR
    expect(() => decodePng(corrupt)).toThrow(/CRC mismatch in chunk IHDR/);
    expect(() => decodePng(good.subarray(0, good.length - 20))).toThrow(/Truncated PNG/);
    const short = encodePng({ width: 2, height: 2, colorType: 2 }, Buffer.from([0, 1, 2, 3, 4, 5, 6]));
    expect(() => decodePng(short)).toThrow(/image data is 7 bytes, 2x2 needs 14/);
  });
});

describe('colorRegions', () => {
  function solid(width: number, height: number, paint: (x: number, y: number) => Rgb): PngImage {
    const rgba = new Uint8Array(width * height * 4);
    for (let y = 0, o = 0; y < height; y++) {
      for (let x = 0; x < width; x++, o += 4) {
        const [r, g, b] = paint(x, y);
        rgba[o] = r;
        rgba[o + 1] = g;
        rgba[o + 2] = b;
        rgba[o + 3] = 255;
      }
    }
    return { width, height, rgba };
  }

  it('joins 4-neighbours only, within the tolerance, and drops small components', () => {
    // Two 10x10 squares touching only at a corner, a 3x3 speck, a square 9 off the colour.
    const image = solid(40, 30, (x, y) => {
      if ((x < 10 && y < 10) || (x >= 10 && x < 20 && y >= 10 && y < 20)) return [100, 100, 100];
      if (x >= 30 && x < 33 && y < 3) return [104, 96, 100];
      if (x >= 25 && y >= 20) return [109, 100, 100];
      return [255, 255, 255];
    });
    expect(colorRegions(image, [100, 100, 100])).toEqual([
      { x: 0, y: 0, width: 10, height: 10, pixels: 100 },
      { x: 10, y: 10, width: 10, height: 10, pixels: 100 },
    ]);
    expect(colorRegions(image, [100, 100, 100], 8, 1)).toHaveLength(3);
    expect(colorRegions(image, [100, 100, 100], 9)).toHaveLength(3);
  });

  it('is fast on a 1400x1000 screenshot, one huge component or 700,000 single pixels', () => {
    const full = solid(1400, 1000, () => RED);
    const checker = solid(1400, 1000, (x, y) => ((x + y) % 2 ? RED : GREEN));
    const timed = <T>(run: () => T): T => {
      const started = Date.now();
      const result = run();
      // Linear, not quadratic: a quadratic pass over 1.4 M pixels takes minutes; 5 s leaves room for a busy machine.
      expect(Date.now() - started).toBeLessThan(5_000);
      return result;
    };
    expect(timed(() => colorRegions(full, RED))).toEqual([
      { x: 0, y: 0, width: 1400, height: 1000, pixels: 1_400_000 },
    ]);
    expect(timed(() => colorRegions(checker, RED))).toEqual([]);
    expect(timed(() => colorRegions(checker, RED, 8, 1))).toHaveLength(700_000);
  });
});

// ---- real chromium output ----

const MATRIX_PAGE = `<!doctype html>
<html>
<head>
<meta charset="utf-8">
<style>
  body { margin: 0; background: #fff; font: 14px sans-serif; color: #111; }
  h1 { position: absolute; left: 20px; top: 8px; margin: 0; font-size: 20px; }
  table { position: absolute; left: 20px; top: 60px; border-collapse: separate; border-spacing: 10px; table-layout: fixed; }
  td { width: 120px; height: 40px; padding: 0; border: 0; color: #fff; text-align: center; font-weight: bold; }
  td.built { background: rgb(${GREEN}); }
  td.failed { background: rgb(${RED}); }
  td.skipped { background: #ddd; color: #555; }
  #speck { position: absolute; left: 600px; top: 20px; width: 5px; height: 5px; background: rgb(${RED}); }
  #near { position: absolute; left: 600px; top: 80px; width: 60px; height: 20px; background: rgb(${NEAR_RED}); }
</style>
</head>
<body>
<h1>Run report: 2 failed, 3 built</h1>
<table id="matrix">
  <tr><td class="built">built</td><td class="failed">failed</td><td class="built">built</td></tr>
  <tr><td class="built">built</td><td class="failed">failed</td><td class="skipped">skipped</td></tr>
</table>
<div id="speck"></div>
<div id="near"></div>
<p id="status" style="position: absolute; left: 20px; top: 200px">not rendered</p>
<script>
  for (const td of document.querySelectorAll('td')) {
    const r = td.getBoundingClientRect();
    td.dataset.rect = [r.x, r.y, r.width, r.height].join(',');
  }
  document.getElementById('status').textContent = 'rendered ' + document.querySelectorAll('td.failed').length + ' failed';
</script>
</body>
</html>
`;

describe('chromium screenshots', () => {
  it('finds exactly the two red and three green matrix cells where the DOM put them', async () => {
    const html = join(dir, 'matrix.html');
    const png = join(dir, 'matrix.png');
    writeFileSync(html, MATRIX_PAGE);

    await screenshot(html, png, { width: 800, height: 300 });
    const image = decodePng(readFileSync(png));
    expect([image.width, image.height]).toEqual([800, 300]);

    const red = colorRegions(image, RED);
    const green = colorRegions(image, GREEN);
    // border-spacing 10px from a table at (20, 60): cells at x 30, 160, 290 and y 70, 120, 120x40 each.
    const cell = (x: number, y: number) => ({ x, y, width: 120, height: 40 });
    expect(red.map(({ pixels, ...box }) => box)).toEqual([cell(160, 70), cell(160, 120)]);
    expect(green.map(({ pixels, ...box }) => box)).toEqual([cell(30, 70), cell(290, 70), cell(30, 120)]);
    for (const region of [...red, ...green]) {
      // The white label leaves a hole; the rest of the cell is exactly the colour.
      expect(region.pixels).toBeGreaterThan(0.8 * 120 * 40);
      expect(region.pixels).toBeLessThan(120 * 40);
      expect(pixel(image, region.x + 3, region.y + 3)).toEqual([...(red.includes(region) ? RED : GREEN), 255]);
    }

    // The 5x5 speck is under minPixels; the near-red box is outside the default tolerance only.
    expect(colorRegions(image, RED, 8, 1).map(({ x, y, width, height }) => [x, y, width, height])).toContainEqual([
      600, 20, 5, 5,
    ]);
    expect(colorRegions(image, RED, 20).map(({ x, y, width, height }) => [x, y, width, height])).toEqual([
      [160, 70, 120, 40],
      [600, 80, 60, 20],
      [160, 120, 120, 40],
    ]);

    // The rendered DOM: the script ran, and its cell rectangles match the screenshot's regions.
    const dom = await dumpDom(html);
    expect(dom).toContain('<p id="status" style="position: absolute; left: 20px; top: 200px">rendered 2 failed</p>');
    const rects = [...dom.matchAll(/<td class="(\w+)" data-rect="([\d.,]+)">/g)].map(([, cls, rect]) => [cls, rect]);
    expect(rects).toEqual([
      ['built', '30,70,120,40'],
      ['failed', '160,70,120,40'],
      ['built', '290,70,120,40'],
      ['built', '30,120,120,40'],
      ['failed', '160,120,120,40'],
      ['skipped', '290,120,120,40'],
    ]);
  });

  it('shows the hand-made five-filter PNG with the pixels decodePng reads from it', async () => {
    // Chromium's own PNG decoder checks the test's encoder; decodePng then reads chromium's re-encoding.
    const rows = RGB_PIXELS.map((row) => row.flat());
    writeFileSync(
      join(dir, 'five-filters.png'),
      encodePng({ width: 4, height: 5, colorType: 2 }, filterRows(rows, [0, 1, 2, 3, 4], 3)),
    );
    const html = join(dir, 'five-filters.html');
    writeFileSync(
      html,
      '<!doctype html><body style="margin:0;background:#fff">' +
        '<img src="five-filters.png" style="display:block;width:80px;height:100px;image-rendering:pixelated"></body>',
    );
    const png = join(dir, 'five-filters-shot.png');
    await screenshot(html, png, { width: 200, height: 150 });
    const image = decodePng(readFileSync(png));
    for (let y = 0; y < 5; y++) {
      for (let x = 0; x < 4; x++) {
        expect([x, y, pixel(image, x * 20 + 10, y * 20 + 10)]).toEqual([x, y, [...RGB_PIXELS[y][x], 255]]);
      }
    }
  });

  it('reports a page it cannot find instead of rendering an error page', async () => {
    await expect(
      screenshot(join(dir, 'missing.html'), join(dir, 'missing.png'), { width: 100, height: 100 }),
    ).rejects.toThrow(/No such HTML file/);
  });
});
