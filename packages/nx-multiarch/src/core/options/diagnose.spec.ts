import { describeSchemaDrift } from '../../../test/schema-drift';
import schemaJson from '../../nx/executors/diagnose/schema.json';
import { diagnoseOptionsSchema, normalizeDiagnoseOptions } from './diagnose';

describeSchemaDrift(schemaJson, diagnoseOptionsSchema);

describe('normalizeDiagnoseOptions', () => {
  it('parses platforms and the per-probe timeout', () => {
    expect(normalizeDiagnoseOptions({ platforms: 'linux/arm64', timeout: 2 })).toEqual({
      builder: {},
      platforms: ['arm64'],
      probe: false,
      probeImage: 'alpine:3.20',
      json: false,
      timeoutMs: 2000,
    });
  });

  it('rejects an unknown platform by name', () => {
    expect(() => normalizeDiagnoseOptions({ platforms: 'ppc64le' })).toThrow(
      "target diagnose: platforms: unknown platform 'ppc64le'",
    );
  });
});
