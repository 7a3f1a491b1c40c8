import { type BuildTarget, parseBuildTargets } from './build-targets';

const FILE = 'src/backend/build-targets.conf';

describe('parseBuildTargets', () => {
  test.each<[string, string, BuildTarget[], string[]]>([
    [
      'one image per target line, with its line number',
      '# Target Name | Image Suffix\nbackend ai-infra-backend\nbackend-init ai-infra-backend-init\n',
      [
        { target: 'backend', image: 'ai-infra-backend', line: 2 },
        { target: 'backend-init', image: 'ai-infra-backend-init', line: 3 },
      ],
      [],
    ],
    [
      'blank lines, comments, tabs, CRLF and no final newline',
      '\n  # comment\n\tapi \t fixture-api\r\n#api-init x\napi-init fixture-api-init',
      [
        { target: 'api', image: 'fixture-api', line: 3 },
        { target: 'api-init', image: 'fixture-api-init', line: 5 },
      ],
      [],
    ],
    ["build.sh's default target: no --target", 'default ai-infra-web\n', [{ image: 'ai-infra-web', line: 1 }], []],
    ['an empty file', '', [], []],
    [
      'a target without an image',
      'backend\nworker ai-infra-worker\n',
      [{ target: 'worker', image: 'ai-infra-worker', line: 2 }],
      [`${FILE} line 1: target backend names no image (build.sh tagged it ":<tag>", which fails); not mapped`],
    ],
    [
      'more than one word after the target',
      'backend ai-infra-backend extra\n',
      [],
      [`${FILE} line 1: "ai-infra-backend extra" is not one image name; not mapped`],
    ],
  ])('%s', (_, text, targets, notes) => {
    expect(parseBuildTargets(text, FILE)).toEqual({ targets, notes });
  });
});
