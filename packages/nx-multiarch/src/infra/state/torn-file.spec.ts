import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lostToTearing, setAsideTorn } from './torn-file';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const dir = () => {
  const made = mkdtempSync(join(tmpdir(), 'torn-file-'));
  dirs.push(made);
  return made;
};

describe('setAsideTorn', () => {
  it('moves the file aside, keeping its text, and says so naming both', () => {
    const state = dir();
    const file = join(state, 'builder.json');
    writeFileSync(file, '{"name": "nx-mul');
    const warnings: string[] = [];
    setAsideTorn(file, 'not JSON: Unterminated string', (message) => warnings.push(message));
    expect(existsSync(file)).toBe(false);
    const [aside] = readdirSync(state);
    expect(aside).toMatch(/^builder\.json\.torn-\d+$/);
    expect(readFileSync(join(state, aside), 'utf8')).toBe('{"name": "nx-mul');
    expect(warnings).toEqual([
      `nx-multiarch: ${file} could not be read (not JSON: Unterminated string); set aside as ${aside} and ignored: ` +
        'what it recorded is made again',
    ]);
  });

  it('counts the file as lost to tearing until something writes it again', () => {
    const file = join(dir(), 'prefetch.json');
    writeFileSync(file, '{"version": 1, "ima');
    expect(lostToTearing(file)).toBe(false);
    setAsideTorn(file, 'not JSON', () => undefined);
    expect(lostToTearing(file)).toBe(true);
    writeFileSync(file, '{"version": 1, "images": {}}');
    expect(lostToTearing(file)).toBe(false);
  });

  it('says nothing when another reader set it aside first', () => {
    const warnings: string[] = [];
    setAsideTorn(join(dir(), 'prefetch.json'), 'not JSON', (message) => warnings.push(message));
    expect(warnings).toEqual([]);
  });
});
