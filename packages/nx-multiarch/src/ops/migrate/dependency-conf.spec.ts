import { type DependencyConf, parseDependencyConf } from './dependency-conf';

const FILE = 'src/cache/dependency.conf';
const TEMPLATE = 'src/cache/dependency.conf.tpl';
const VALUES = { REDIS_VERSION: '7.2-alpine', GITEA_VERSION: '1.22', EMPTY: '' };

describe('parseDependencyConf', () => {
  test.each<[string, string, string, Record<string, string> | undefined, DependencyConf]>([
    ['one image', FILE, 'redis:7-alpine\n', undefined, { image: 'redis:7-alpine', notes: [] }],
    [
      'after comments and blank lines, whitespace removed',
      FILE,
      '# External image\n\n   postgres : 15-alpine  \r\n',
      undefined,
      { image: 'postgres:15-alpine', notes: [] },
    ],
    [
      'a template rendered from .env.example',
      TEMPLATE,
      'redis:{{REDIS_VERSION}}\n',
      VALUES,
      { image: 'redis:7.2-alpine', notes: [] },
    ],
    ['an empty value is a value', TEMPLATE, 'redis:7{{EMPTY}}\n', VALUES, { image: 'redis:7', notes: [] }],
    [
      'a placeholder without a value is left and reported',
      TEMPLATE,
      '{{SAFELINE_PREFIX}}/safeline-tengine{{SAFELINE_REGION}}:{{GITEA_VERSION}}\n',
      VALUES,
      {
        image: '{{SAFELINE_PREFIX}}/safeline-tengine{{SAFELINE_REGION}}:1.22',
        notes: [
          `${TEMPLATE}: no value in .env.example for SAFELINE_PREFIX, SAFELINE_REGION: upstream left as {{SAFELINE_PREFIX}}/safeline-tengine{{SAFELINE_REGION}}:1.22; edit "upstream" in multiarch.json (the plugin does not render it)`,
        ],
      },
    ],
    [
      'a plain file is not rendered',
      FILE,
      'redis:{{REDIS_VERSION}}\n',
      undefined,
      { image: 'redis:{{REDIS_VERSION}}', notes: [] },
    ],
    [
      'only the first image is pulled',
      FILE,
      'mysql:8.0\n# alternative\nmariadb:11\npercona:8\n',
      undefined,
      {
        image: 'mysql:8.0',
        notes: [`${FILE} lines 3, 4: not mapped: build.sh pulls only the first image (line 1)`],
      },
    ],
    [
      'one line more',
      FILE,
      'mysql:8.0\nmariadb:11\n',
      undefined,
      { image: 'mysql:8.0', notes: [`${FILE} line 2: not mapped: build.sh pulls only the first image (line 1)`] },
    ],
    [
      'sed escapes, which docker refuses',
      FILE,
      'confluentinc/cp-kafka:7\\.5\\.0\n',
      undefined,
      {
        image: 'confluentinc/cp-kafka:7.5.0',
        notes: [
          `${FILE}: confluentinc/cp-kafka:7\\.5\\.0 has backslashes docker refuses (build.sh's pull failed on it); mapped as confluentinc/cp-kafka:7.5.0`,
        ],
      },
    ],
    [
      'no image',
      FILE,
      '# only a comment\n\n',
      undefined,
      { notes: [`${FILE}: names no image (build.sh failed on it: "Empty dependency config"); not mapped`] },
    ],
    [
      'an empty file',
      FILE,
      '',
      undefined,
      { notes: [`${FILE}: names no image (build.sh failed on it: "Empty dependency config"); not mapped`] },
    ],
  ])('%s', (_, file, text, values, expected) => {
    expect(parseDependencyConf(text, file, values)).toEqual(expected);
  });
});
