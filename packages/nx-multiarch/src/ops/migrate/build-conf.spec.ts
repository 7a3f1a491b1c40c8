import { type Phase, parseBuildConf } from './build-conf';

const FILE = 'src/x/build.conf';

describe('parseBuildConf', () => {
  describe('the phase, as build.sh decides it', () => {
    test.each<[string, string, Phase]>([
      ['foundation', 'BUILD_PHASE=foundation\n', 'foundation'],
      ['dependent', 'BUILD_PHASE=dependent\n', 'dependent'],
      ['no BUILD_PHASE line: build.sh defaults to dependent', '# nothing\n', 'dependent'],
      ['an empty file', '', 'dependent'],
      ['an empty value', 'BUILD_PHASE=\n', 'dependent'],
      ['whitespace removed', 'BUILD_PHASE= found ation \t\n', 'foundation'],
      ['CRLF line endings', 'A=1\r\nBUILD_PHASE=foundation\r\n', 'foundation'],
      ['the first line wins', 'BUILD_PHASE=foundation\nBUILD_PHASE=dependent\n', 'foundation'],
      ['the first line wins, dependent', 'BUILD_PHASE=dependent\nBUILD_PHASE=foundation\n', 'dependent'],
      ['after comments and other keys', '# Phase\nCOMPONENT_NAME="x"\nBUILD_PHASE=foundation', 'foundation'],
      ['only the second = field (cut -d= -f2)', 'BUILD_PHASE=foundation=yes\n', 'foundation'],
      ['quotes are kept, so not foundation', 'BUILD_PHASE="foundation"\n', 'dependent'],
      ['a trailing comment is part of the value', 'BUILD_PHASE=foundation # first\n', 'dependent'],
      ['an unknown value', 'BUILD_PHASE=base\n', 'dependent'],
      ['an indented line is not read', '  BUILD_PHASE=foundation\n', 'dependent'],
      ['an exported line is not read', 'export BUILD_PHASE=foundation\n', 'dependent'],
      ['a commented-out line is not read', '#BUILD_PHASE=foundation\n', 'dependent'],
    ])('%s', (_, text, phase) => {
      expect(parseBuildConf(text, FILE).phase).toBe(phase);
    });
  });

  describe('notes on what build.sh ignored', () => {
    test.each<[string, string, string[]]>([
      ['none for a plain phase', 'BUILD_PHASE=foundation\n', []],
      ['none for comments and blank lines', '# comment\n\n   \n# BUILD_ARGS="x"\nBUILD_PHASE=dependent\n', []],
      [
        'every other key, once, in one line',
        'COMPONENT_NAME="prometheus"\nUSE_PREBUILD=true\nPREBUILD_IMAGE="prom/prometheus:v3.7.3"\nBUILD_ARGS="A=1"\nBUILD_PHASE=dependent\nUSE_PREBUILD=false\n',
        [
          `${FILE}: COMPONENT_NAME, USE_PREBUILD, PREBUILD_IMAGE, BUILD_ARGS not mapped: build.sh reads only BUILD_PHASE from build.conf, so they never took effect (build args go in multiarch.json "buildArgs")`,
        ],
      ],
      [
        'one other key',
        'export USE_PREBUILD=true\n',
        [
          `${FILE}: USE_PREBUILD not mapped: build.sh reads only BUILD_PHASE from build.conf, so it never took effect (build args go in multiarch.json "buildArgs")`,
        ],
      ],
      [
        'a value build.sh takes for dependent',
        'BUILD_PHASE="foundation"\n',
        [
          `${FILE}: BUILD_PHASE="foundation": build.sh builds anything but exactly "foundation" as a dependent, so it is mapped to "dependent"; set "phase": "foundation" in multiarch.json if that was meant`,
        ],
      ],
      [
        'an indented BUILD_PHASE',
        'A=1\n  BUILD_PHASE=foundation\n',
        [
          `${FILE}: A not mapped: build.sh reads only BUILD_PHASE from build.conf, so it never took effect (build args go in multiarch.json "buildArgs")`,
          `${FILE} line 2: build.sh reads only a line that starts with BUILD_PHASE=, so it ignored this one; not mapped`,
        ],
      ],
      [
        'a second BUILD_PHASE',
        'BUILD_PHASE=foundation\n\nBUILD_PHASE=dependent\n',
        [`${FILE} line 3: a second BUILD_PHASE line; not mapped (the first one is)`],
      ],
      [
        'a line that is no assignment',
        'source ../common.conf\nBUILD_PHASE=foundation\n',
        [`${FILE} line 1: not a KEY=value line; not mapped (build.sh ignored it too)`],
      ],
    ])('%s', (_, text, notes) => {
      expect(parseBuildConf(text, FILE).notes).toEqual(notes);
    });
  });
});
