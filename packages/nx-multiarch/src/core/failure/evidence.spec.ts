import { clip, lastClipped, MAX_EVIDENCE } from './evidence';

describe('clip', () => {
  it('keeps a short line whole', () => {
    expect(clip('dial tcp: i/o timeout', /timeout/)).toBe('dial tcp: i/o timeout');
  });

  it('keeps the end of a long line: the innermost cause', () => {
    const clipped = clip(`${'a'.repeat(400)}END`);
    expect(clipped).toHaveLength(MAX_EVIDENCE);
    expect(clipped).toBe(`…${'a'.repeat(MAX_EVIDENCE - 4)}END`);
  });

  it('starts at the match when it lies before the end', () => {
    const clipped = clip(`${'a'.repeat(10)}denied${'b'.repeat(400)}`, /denied/);
    expect(clipped).toHaveLength(MAX_EVIDENCE);
    expect(clipped).toBe(`…denied${'b'.repeat(MAX_EVIDENCE - 8)}…`);
  });

  it('marks no head when the match is at the start', () => {
    expect(clip(`denied${'b'.repeat(400)}`, /denied/)).toBe(`denied${'b'.repeat(MAX_EVIDENCE - 7)}…`);
  });
});

describe('lastClipped', () => {
  it('is the last line, or nothing', () => {
    expect(lastClipped(['first', 'last'])).toBe('last');
    expect(lastClipped([])).toBe('');
  });
});
