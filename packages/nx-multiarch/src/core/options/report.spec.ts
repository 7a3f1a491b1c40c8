import { ConfigError } from '../failure/errors';
import { describeSchemaDrift } from '../../../test/schema-drift';
import { thrown } from '../../../test/thrown';
import schemaJson from '../../nx/executors/report/schema.json';
import { normalizeReportOptions, reportOptionsSchema } from './report';

describeSchemaDrift(schemaJson, reportOptionsSchema);

describe('normalizeReportOptions', () => {
  test.each<[string, Parameters<typeof normalizeReportOptions>[0], ReturnType<typeof normalizeReportOptions>]>([
    [
      'the defaults: the last run in .nx-multiarch',
      {},
      {
        run: 'last',
        json: false,
        list: false,
        stateDir: '/ws/.nx-multiarch',
      },
    ],
    [
      'a run, as JSON, its page copied: paths against the workspace root',
      {
        run: '9b7d33',
        json: true,
        outputPath: 'dist/report.html',
        stateDir: 'tmp/state',
      },
      {
        run: '9b7d33',
        json: true,
        list: false,
        outputPath: '/ws/dist/report.html',
        stateDir: '/ws/tmp/state',
      },
    ],
    [
      'absolute paths stay',
      { list: true, outputPath: '/ci/artifacts/run.html', stateDir: '/var/state' },
      {
        run: 'last',
        json: false,
        list: true,
        outputPath: '/ci/artifacts/run.html',
        stateDir: '/var/state',
      },
    ],
    [
      'paths that climb out of the workspace',
      { stateDir: '../shared/.nx-multiarch' },
      {
        run: 'last',
        json: false,
        list: false,
        stateDir: '/shared/.nx-multiarch',
      },
    ],
  ])('%s', (_name, options, expected) => {
    expect(normalizeReportOptions(options, '/ws')).toEqual(expected);
  });

  test.each<[string, Record<string, unknown>, string]>([
    [
      'an unknown option',
      { runs: 'last' },
      "target report: (top level): unknown key(s) runs. Fix: remove or rename 'runs'",
    ],
    [
      'several unknown options',
      { run: 'last', lst: true, html: 'x' },
      "target report: (top level): unknown key(s) lst, html. Fix: remove or rename 'lst', 'html'",
    ],
    [
      'an empty run',
      { run: '' },
      'target report: run: Too small: expected string to have >=1 characters. Fix: correct the value as described',
    ],
    [
      'an empty outputPath',
      { outputPath: '' },
      'target report: outputPath: Too small: expected string to have >=1 characters. Fix: correct the value as ' +
        'described',
    ],
    [
      'json that is not a boolean',
      { json: 'yes' },
      'target report: json: Invalid input: expected boolean, received string. Fix: correct the value as described',
    ],
  ])('rejects %s, naming target report and the field', (_name, options, message) => {
    const error = thrown(() => normalizeReportOptions(options as never, '/ws'));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(message);
  });
});
