import { z } from 'zod';
import { PluginError } from '../../core/failure/errors';
import { parseInspectOutput } from './inspect-output';

const schema = z.array(z.object({ Id: z.string() }).passthrough()).min(1);

describe('parseInspectOutput', () => {
  it('returns the checked JSON, unknown fields kept where the schema passes them through', () => {
    expect(parseInspectOutput('[{"Id":"sha256:abc","Os":"linux"}]\n', schema, 'docker image inspect')).toEqual([
      { Id: 'sha256:abc', Os: 'linux' },
    ]);
  });

  it('names the command when the output is not JSON', () => {
    const parse = () => parseInspectOutput('Error: No such object: x', schema, 'docker container inspect');
    expect(parse).toThrow(PluginError);
    expect(parse).toThrow(/^docker container inspect printed something that is not JSON: /);
  });

  it('names the command when the JSON is not what the schema expects', () => {
    const parse = () => parseInspectOutput('[]', schema, 'docker image inspect');
    expect(parse).toThrow(PluginError);
    expect(parse).toThrow(/^unexpected docker image inspect output: /);
  });
});
