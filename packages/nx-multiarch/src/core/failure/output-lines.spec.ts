import { isEcho, outputLines, stripAnsi } from './output-lines';

describe('stripAnsi', () => {
  it('removes colours, cursor moves and OSC links', () => {
    expect(stripAnsi('\x1b[31mERROR\x1b[0m \x1b[2K\x1b]8;;https://docs.docker.com\x07docs\x1b]8;;\x07')).toBe(
      'ERROR docs',
    );
  });
});

describe('outputLines', () => {
  it('splits on CR progress too, trims, and drops blank lines', () => {
    expect(outputLines('#2 resolving 0.1s\r#2 resolving 0.5s\r\n  \n\x1b[31m ERROR: x \x1b[0m\n')).toEqual([
      '#2 resolving 0.1s',
      '#2 resolving 0.5s',
      'ERROR: x',
    ]);
  });
});

describe('isEcho', () => {
  const echoes = [
    '#8 [2/2] RUN curl -f https://example.com',
    '> [2/2] RUN curl -f https://example.com:',
    '=> ERROR [2/2] RUN make',
    '2 |     RUN make',
    '--------------------',
  ];
  const errors = [
    '#8 ERROR: process "/bin/sh -c make" did not complete successfully: exit code: 2',
    'ERROR: failed to solve: unauthorized',
  ];

  it('knows the step headers and Dockerfile lines BuildKit echoes around an error', () => {
    expect(echoes.filter((line) => !isEcho(line))).toEqual([]);
  });

  it('keeps the errors themselves', () => {
    expect(errors.filter(isEcho)).toEqual([]);
  });
});
