import { contextReads } from './context-reads';

const reads = (...paths: string[]) => ({ whole: false, paths });
const whole = { whole: true, paths: [] };

describe('contextReads', () => {
  test.each([
    ['no COPY: nothing', 'FROM alpine:3.20\nRUN echo hi\n', reads()],
    [
      'COPY and ADD sources, without ./, / or a trailing /',
      'FROM a\nCOPY ./run.sh /usr/bin/\nADD /conf/ /etc/conf\nCOPY src/gitea/entry.sh src/gitea/x.sh /opt/\n',
      reads('run.sh', 'conf', 'src/gitea/entry.sh', 'src/gitea/x.sh'),
    ],
    ['flags before the sources', 'FROM a\nCOPY --chown=1:1 --chmod=755 --link bin/ /bin/\n', reads('bin')],
    ['the JSON form', 'FROM a\nCOPY ["my dir/a b.txt", "c.txt", "/dst/"]\n', reads('my dir/a b.txt', 'c.txt')],
    ['wildcards as Docker writes them', 'FROM a\nCOPY conf/*.conf hom?.txt /etc/\n', reads('conf/*.conf', 'hom?.txt')],
    ['one path once', 'FROM a\nCOPY a /x\nCOPY ./a/ /y\n', reads('a')],
    [
      'COPY --from (a stage, an image, a named context) reads no context',
      'FROM a AS b\nCOPY --from=b /out /out\nCOPY --link --from=alpine:3.20 /etc/os-release /\n',
      reads(),
    ],
    [
      'ADD of a URL or a git repository fetches it itself',
      'FROM a\nADD https://x.io/a.tgz git@github.com:o/r.git /\n',
      reads(),
    ],
    ['a heredoc is no source', 'FROM a\nCOPY <<EOF /etc/motd\nhello\nEOF\nCOPY x /x\n', reads('x')],
    [
      'a continued COPY line',
      'FROM a\nCOPY shared/config.txt \\\n     shared/more.txt /etc/\n',
      reads('shared/config.txt', 'shared/more.txt'),
    ],
    ['ONBUILD COPY reads the context of the image built FROM this one', 'FROM a\nONBUILD COPY . /app\n', reads()],
    [
      'RUN bind mounts with a source; other mounts read no context',
      'FROM a\nRUN --mount=type=bind,source=go.sum,target=/go.sum --mount=type=cache,target=/root/.cache --mount=type=secret,id=npm go build\n',
      reads('go.sum'),
    ],
    ['a bind mount from a stage', 'FROM a AS b\nFROM a\nRUN --mount=from=b,source=/out,target=/in ls\n', reads()],
    ['COPY . reads the whole context', 'FROM a\nCOPY run.sh /\nCOPY . /app\n', whole],
    ['COPY of the root with ./', 'FROM a\nCOPY ./ /app/\n', whole],
    ['a source that leaves its directory', 'FROM a\nCOPY app/../../x /x\n', whole],
    ['a variable in a source is known only at build time', 'FROM a\nARG DIR=conf\nCOPY ${DIR}/a /a\n', whole],
    ['an unrendered placeholder in a template', 'FROM a\nCOPY {{CONF_DIR}}/a /a\n', whole],
    ['a bind mount (the default mount type) of the whole context', 'FROM a\nRUN --mount=target=/src make\n', whole],
    ['a bind mount with src=', 'FROM a\nRUN --mount=type=bind,src=.,target=/src make\n', whole],
    ['an unparsable JSON form', 'FROM a\nCOPY ["a", /x\n', whole],
    ["Docker's own frontend reads as Docker does", '# syntax=docker/dockerfile:1.7\nFROM a\nCOPY a /a\n', reads('a')],
    ['another frontend may read anything', '# escape=`\n# syntax=example.com/frontend:1\nFROM a\nCOPY a /a\n', whole],
  ])('%s', (_name, text, expected) => {
    expect(contextReads(text)).toEqual(expected);
  });
});
