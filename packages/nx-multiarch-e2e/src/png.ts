// A small, dependency-free PNG decoder for reading headless chromium screenshots in the e2e suite, and a
// connected-component search that finds the solid-colour boxes (matrix cells, badges) on them.
//
// Supported: 8-bit truecolour (colour type 2) and truecolour with alpha (6), palette images (3) at 1, 2, 4
// or 8 bits with an optional tRNS chunk, non-interlaced, any mix of the five filter types, image data split
// over any number of IDAT chunks. Anything else is rejected with an error saying what it is.
import { crc32, inflateSync } from 'node:zlib';

export interface PngImage {
  width: number;
  height: number;
  /** Row-major, 4 bytes (R, G, B, A) per pixel, `width * height * 4` bytes. */
  rgba: Uint8Array;
}

export interface ColorRegion {
  /** Bounding box of the component, in pixels from the top-left corner of the image. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** How many pixels of the colour the component has (at most width * height: text inside leaves holes). */
  pixels: number;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const COLOR_TYPE_NAMES: Record<number, string> = {
  0: 'greyscale',
  2: 'truecolour (RGB)',
  3: 'palette',
  4: 'greyscale with alpha',
  6: 'truecolour with alpha (RGBA)',
};
// Refuse absurd dimensions before allocating (a 1400x1000 screenshot is 5.6 MB of RGBA).
const MAX_PIXELS = 1 << 26;

export function decodePng(buf: Uint8Array): PngImage {
  const data = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (data.length < 8 || SIGNATURE.some((byte, i) => data[i] !== byte)) {
    throw new Error('Not a PNG: the file does not start with the PNG signature');
  }

  let header: { width: number; height: number; bitDepth: number; colorType: number } | undefined;
  let palette: Buffer | undefined;
  let transparency: Buffer | undefined;
  const idat: Buffer[] = [];
  let ended = false;

  for (let offset = 8; offset < data.length && !ended;) {
    if (offset + 12 > data.length) throw new Error(`Truncated PNG: incomplete chunk header at byte ${offset}`);
    const length = data.readUInt32BE(offset);
    const type = data.toString('latin1', offset + 4, offset + 8);
    if (offset + 12 + length > data.length) {
      throw new Error(`Truncated PNG: chunk ${type} at byte ${offset} needs ${length} bytes, the file ends first`);
    }
    const body = data.subarray(offset + 8, offset + 8 + length);
    const expectedCrc = data.readUInt32BE(offset + 8 + length);
    if (crc32(data.subarray(offset + 4, offset + 8 + length)) !== expectedCrc) {
      throw new Error(`Corrupt PNG: CRC mismatch in chunk ${type} at byte ${offset}`);
    }
    if (!header && type !== 'IHDR') throw new Error(`Invalid PNG: first chunk is ${type}, not IHDR`);

    switch (type) {
      case 'IHDR': {
        if (header) throw new Error('Invalid PNG: more than one IHDR chunk');
        if (length !== 13) throw new Error(`Invalid PNG: IHDR is ${length} bytes, not 13`);
        header = readHeader(body);
        break;
      }
      case 'PLTE':
        if (length === 0 || length % 3 !== 0 || length > 256 * 3) {
          throw new Error(`Invalid PNG: PLTE chunk of ${length} bytes`);
        }
        palette = body;
        break;
      case 'tRNS':
        transparency = body;
        break;
      case 'IDAT':
        idat.push(body);
        break;
      case 'IEND':
        ended = true;
        break;
      default:
        // Ancillary chunks (lowercase first letter: gAMA, pHYs, tEXt...) do not change the pixels.
        if ((type.charCodeAt(0) & 0x20) === 0) throw new Error(`Unsupported PNG: unknown critical chunk ${type}`);
    }
    offset += 12 + length;
  }

  if (!header) throw new Error('Invalid PNG: no IHDR chunk');
  if (!ended) throw new Error('Truncated PNG: no IEND chunk');
  if (idat.length === 0) throw new Error('Invalid PNG: no IDAT chunk');
  const { width, height, bitDepth, colorType } = header;
  if (colorType === 3 && !palette) throw new Error('Invalid PNG: palette image without a PLTE chunk');

  const channels = colorType === 6 ? 4 : colorType === 2 ? 3 : 1;
  const bitsPerPixel = channels * bitDepth;
  const bytesPerPixel = Math.max(1, bitsPerPixel >> 3); // the filters' "bpp": 1 for sub-byte pixels
  const stride = Math.ceil((width * bitsPerPixel) / 8);

  let raw: Buffer;
  try {
    raw = inflateSync(idat.length === 1 ? idat[0] : Buffer.concat(idat));
  } catch (error) {
    throw new Error(`Corrupt PNG: the image data does not inflate (${(error as Error).message})`);
  }
  if (raw.length < (stride + 1) * height) {
    throw new Error(
      `Corrupt PNG: image data is ${raw.length} bytes, ${width}x${height} needs ${(stride + 1) * height}`,
    );
  }

  const pixels = unfilter(raw, stride, height, bytesPerPixel);
  const rgba = new Uint8Array(width * height * 4);
  if (colorType === 6) {
    rgba.set(pixels.subarray(0, width * height * 4));
  } else if (colorType === 2) {
    // tRNS for truecolour: one 16-bit sample per channel naming the fully transparent colour.
    const key = transparency?.length === 6 ? [transparency[1], transparency[3], transparency[5]] : undefined;
    for (let i = 0, o = 0, n = width * height; i < n; i++, o += 4) {
      const r = pixels[i * 3];
      const g = pixels[i * 3 + 1];
      const b = pixels[i * 3 + 2];
      rgba[o] = r;
      rgba[o + 1] = g;
      rgba[o + 2] = b;
      rgba[o + 3] = key && r === key[0] && g === key[1] && b === key[2] ? 0 : 255;
    }
  } else {
    const plte = palette as Buffer;
    const entries = plte.length / 3;
    const perByte = 8 / bitDepth;
    const mask = (1 << bitDepth) - 1;
    for (let y = 0; y < height; y++) {
      const row = y * stride;
      for (let x = 0; x < width; x++) {
        const index =
          bitDepth === 8
            ? pixels[row + x]
            : (pixels[row + ((x / perByte) | 0)] >> ((perByte - 1 - (x % perByte)) * bitDepth)) & mask;
        if (index >= entries) throw new Error(`Corrupt PNG: pixel ${x},${y} uses palette entry ${index} of ${entries}`);
        const o = (y * width + x) * 4;
        rgba[o] = plte[index * 3];
        rgba[o + 1] = plte[index * 3 + 1];
        rgba[o + 2] = plte[index * 3 + 2];
        rgba[o + 3] = transparency && index < transparency.length ? transparency[index] : 255;
      }
    }
  }
  return { width, height, rgba };
}

function readHeader(body: Buffer): { width: number; height: number; bitDepth: number; colorType: number } {
  const width = body.readUInt32BE(0);
  const height = body.readUInt32BE(4);
  const [bitDepth, colorType, compression, filter, interlace] = body.subarray(8, 13);
  if (width === 0 || height === 0) throw new Error(`Invalid PNG: ${width}x${height} image`);
  if (width * height > MAX_PIXELS) throw new Error(`Unsupported PNG: ${width}x${height} is too large`);
  if (compression !== 0 || filter !== 0) {
    throw new Error(`Invalid PNG: compression method ${compression}, filter method ${filter} (only 0 exists)`);
  }
  if (interlace !== 0) throw new Error('Unsupported PNG: interlaced (Adam7) images are not supported');
  const name = COLOR_TYPE_NAMES[colorType] ?? `unknown colour type ${colorType}`;
  if (colorType === 2 || colorType === 6) {
    if (bitDepth !== 8) throw new Error(`Unsupported PNG: ${bitDepth}-bit ${name}; only 8-bit is supported`);
  } else if (colorType === 3) {
    if (![1, 2, 4, 8].includes(bitDepth)) throw new Error(`Invalid PNG: ${bitDepth}-bit ${name}`);
  } else {
    throw new Error(`Unsupported PNG: colour type ${colorType} (${name}); only RGB, RGBA and palette are supported`);
  }
  return { width, height, bitDepth, colorType };
}

/** Reverses the per-scanline filters; returns the unfiltered scanlines back to back (no filter bytes). */
function unfilter(raw: Buffer, stride: number, height: number, bpp: number): Uint8Array {
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const cur = y * stride;
    const prev = cur - stride; // only read when y > 0
    switch (filter) {
      case 0: // None
        out.set(raw.subarray(src, src + stride), cur);
        break;
      case 1: // Sub
        for (let i = 0; i < stride; i++) {
          out[cur + i] = (raw[src + i] + (i >= bpp ? out[cur + i - bpp] : 0)) & 0xff;
        }
        break;
      case 2: // Up
        for (let i = 0; i < stride; i++) {
          out[cur + i] = (raw[src + i] + (y > 0 ? out[prev + i] : 0)) & 0xff;
        }
        break;
      case 3: // Average
        for (let i = 0; i < stride; i++) {
          const left = i >= bpp ? out[cur + i - bpp] : 0;
          const up = y > 0 ? out[prev + i] : 0;
          out[cur + i] = (raw[src + i] + ((left + up) >> 1)) & 0xff;
        }
        break;
      case 4: // Paeth
        for (let i = 0; i < stride; i++) {
          const a = i >= bpp ? out[cur + i - bpp] : 0;
          const b = y > 0 ? out[prev + i] : 0;
          const c = i >= bpp && y > 0 ? out[prev + i - bpp] : 0;
          // pa = |p - a| and so on, with p = a + b - c; no Math.abs (see colorRegions).
          let pa = b - c;
          let pb = a - c;
          let pc = pa + pb;
          if (pa < 0) pa = -pa;
          if (pb < 0) pb = -pb;
          if (pc < 0) pc = -pc;
          const predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          out[cur + i] = (raw[src + i] + predictor) & 0xff;
        }
        break;
      default:
        throw new Error(`Corrupt PNG: unknown filter type ${filter} on row ${y}`);
    }
  }
  return out;
}

/**
 * The connected (4-neighbour) components of pixels whose R, G and B are each within `tolerance` of `rgb`
 * (alpha is not looked at: screenshots are opaque), as bounding boxes, sorted top to bottom then left to
 * right. Components of fewer than `minPixels` pixels (antialiased edges, glyphs) are left out.
 */
export function colorRegions(
  image: PngImage,
  rgb: [number, number, number],
  tolerance = 8,
  minPixels = 50,
): ColorRegion[] {
  const { width, height, rgba } = image;
  const total = width * height;
  const [r, g, b] = rgb;
  // 1 = matching pixel not yet assigned to a component.
  const pending = new Uint8Array(total);
  // No Math.abs in this loop: under jest the module runs in a vm context, where every global lookup in a
  // hot loop costs (800 ms instead of 30 ms on a 1400x1000 image).
  for (let i = 0, o = 0; i < total; i++, o += 4) {
    const dr = rgba[o] - r;
    const dg = rgba[o + 1] - g;
    const db = rgba[o + 2] - b;
    if (
      dr <= tolerance &&
      dr >= -tolerance &&
      dg <= tolerance &&
      dg >= -tolerance &&
      db <= tolerance &&
      db >= -tolerance
    ) {
      pending[i] = 1;
    }
  }

  const regions: ColorRegion[] = [];
  // Pixels are cleared from `pending` when pushed, so each is pushed at most once: `total` entries suffice.
  const stack = new Int32Array(total);
  for (let start = 0; start < total; start++) {
    if (!pending[start]) continue;
    pending[start] = 0;
    let top = 0;
    stack[top++] = start;
    let minX = width;
    let minY = height;
    let maxX = -1;
    let maxY = -1;
    let count = 0;
    while (top > 0) {
      const p = stack[--top];
      const x = p % width;
      const y = (p - x) / width;
      count++;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      if (x > 0 && pending[p - 1]) {
        pending[p - 1] = 0;
        stack[top++] = p - 1;
      }
      if (x < width - 1 && pending[p + 1]) {
        pending[p + 1] = 0;
        stack[top++] = p + 1;
      }
      if (y > 0 && pending[p - width]) {
        pending[p - width] = 0;
        stack[top++] = p - width;
      }
      if (y < height - 1 && pending[p + width]) {
        pending[p + width] = 0;
        stack[top++] = p + width;
      }
    }
    if (count >= minPixels) {
      regions.push({ x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1, pixels: count });
    }
  }
  return regions.sort((a, b) => a.y - b.y || a.x - b.x);
}
