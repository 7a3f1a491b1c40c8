import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PluginError } from '../../core/failure/errors';
import { nativeArch } from '../../core/platform';
import {
  builderNativeArches,
  builderStatePath,
  readBuilderState,
  writeBuilderState,
  type BuilderState,
} from './builder-state';

const STATE: BuilderState = {
  name: 'nx-multiarch',
  driver: 'docker-container',
  hostNetwork: true,
  buildxVersion: '0.13.1+ds1',
  nativePlatforms: ['amd64', 'arm64'],
  updatedAt: '2026-11-25T09:00:00.000Z',
};

describe('builder state', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'builder-state-'));

  it('reads back what builder-setup wrote', () => {
    const stateDir = dir();
    writeBuilderState(stateDir, STATE);
    expect(readBuilderState(stateDir)).toEqual(STATE);
  });

  it('is undefined before builder-setup ever ran', () => {
    expect(readBuilderState(dir())).toBeUndefined();
  });

  it('reads a state written before nativePlatforms existed', () => {
    const stateDir = dir();
    const { nativePlatforms: _, ...older } = STATE;
    writeFileSync(builderStatePath(stateDir), JSON.stringify(older));
    expect(readBuilderState(stateDir)).toEqual(older);
  });

  it('refuses a state it does not understand, saying to rerun builder-setup', () => {
    const stateDir = dir();
    writeFileSync(builderStatePath(stateDir), JSON.stringify({ ...STATE, nativePlatforms: ['riscv64'] }));
    expect(() => readBuilderState(stateDir)).toThrow(
      `${stateDir}/builder.json is not a builder state this version understands; rerun builder-setup`,
    );
  });

  it('sets a state torn half-way (a killed run) aside, says so once, and reads as no state', () => {
    const stateDir = dir();
    writeFileSync(builderStatePath(stateDir), JSON.stringify(STATE).slice(0, 40));
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(readBuilderState(stateDir)).toBeUndefined();
      expect(readBuilderState(stateDir)).toBeUndefined();
      expect(warn.mock.calls.map(([message]) => message)).toEqual([
        expect.stringMatching(/builder\.json could not be read \(not JSON: .*\); set aside as builder\.json\.torn-\d+/),
      ]);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('builderNativeArches', () => {
  test.each([
    ['what builder-setup found', STATE, ['amd64', 'arm64']],
    ['an older state: this machine', { ...STATE, nativePlatforms: undefined }, [nativeArch()]],
    ['no builder-setup: this machine', undefined, [nativeArch()]],
  ])('%s', (_name, state, expected) => {
    expect(builderNativeArches(state)).toEqual(expected);
  });
});
