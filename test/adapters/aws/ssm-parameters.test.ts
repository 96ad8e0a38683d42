import {
  GetParameterCommand,
  GetParametersCommand,
  type GetParametersCommandInput,
  InternalServerError,
  ParameterNotFound,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SsmParameters } from '../../../src/adapters/aws/ssm-parameters.js';
import { DependencyError } from '../../../src/domain/errors.js';

const meta = { $metadata: {} };
const ssm = mockClient(SSMClient);

/** A recognisable secret per name, so a leak into an error is easy to spot. */
const secretOf = (name: string) => `SECRET-VALUE-of-${name}`;

/** What SSM holds: every name but those in `absent`. GetParameters answers like the service does. */
function serve(absent: readonly string[] = []) {
  ssm.on(GetParameterCommand).callsFake(async ({ Name }: { Name: string }) => {
    if (absent.includes(Name)) throw new ParameterNotFound({ message: 'ParameterNotFound', ...meta });
    return { Parameter: { Name, Type: 'SecureString', Value: secretOf(Name) }, ...meta };
  });
  ssm.on(GetParametersCommand).callsFake(async ({ Names = [] }: GetParametersCommandInput) => ({
    Parameters: Names.filter((n) => !absent.includes(n)).map((Name) => ({
      Name,
      Type: 'SecureString',
      Value: secretOf(Name),
    })),
    InvalidParameters: Names.filter((n) => absent.includes(n)),
    ...meta,
  }));
}

let clock = new Date('2030-05-01T12:00:00Z');
const make = (ttlSeconds?: number) =>
  new SsmParameters({
    client: new SSMClient({ region: 'eu-west-1' }),
    now: () => clock,
    ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
  });

const getInputs = () => ssm.commandCalls(GetParameterCommand).map((c) => c.args[0].input);
const batchInputs = () => ssm.commandCalls(GetParametersCommand).map((c) => c.args[0].input);

/** Everything an error shows: message, name, and its causes' messages. */
function textOf(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause)
    parts.push(e.name, e.message, String(e.stack));
  return parts.join('\n');
}

beforeEach(() => {
  ssm.reset();
  clock = new Date('2030-05-01T12:00:00Z');
});

describe('SsmParameters.get', () => {
  it('reads a SecureString decrypted, once: the second get comes from the cache', async () => {
    serve();
    const parameters = make();
    expect(await parameters.get('/drawbridge/slack/bot-token')).toBe(secretOf('/drawbridge/slack/bot-token'));
    expect(await parameters.get('/drawbridge/slack/bot-token')).toBe(secretOf('/drawbridge/slack/bot-token'));
    expect(getInputs()).toEqual([{ Name: '/drawbridge/slack/bot-token', WithDecryption: true }]);
  });

  it('concurrent gets of one name share a single call', async () => {
    serve();
    const parameters = make();
    const [a, b] = await Promise.all([parameters.get('/p/a'), parameters.get('/p/a')]);
    expect([a, b]).toEqual([secretOf('/p/a'), secretOf('/p/a')]);
    expect(getInputs()).toHaveLength(1);
  });

  it('by default the cache lasts as long as the process (a warm Lambda)', async () => {
    serve();
    const parameters = make();
    await parameters.get('/p/a');
    clock = new Date('2031-01-01T00:00:00Z');
    await parameters.get('/p/a');
    expect(getInputs()).toHaveLength(1);
  });

  it('with a TTL, a value is read again once it is older than that', async () => {
    serve();
    const parameters = make(300);
    await parameters.get('/p/a');
    clock = new Date('2030-05-01T12:04:59Z');
    await parameters.get('/p/a');
    expect(getInputs()).toHaveLength(1);
    clock = new Date('2030-05-01T12:05:00Z');
    await parameters.get('/p/a');
    expect(getInputs()).toHaveLength(2);
  });

  it('ParameterNotFound is a DependencyError naming the parameter', async () => {
    serve(['/p/missing']);
    const failure = make().get('/p/missing');
    await expect(failure).rejects.toBeInstanceOf(DependencyError);
    await expect(failure).rejects.toMatchObject({
      step: 'ssm.get-parameter',
      message: 'ssm.get-parameter: parameter /p/missing not found',
    });
  });

  it('a failure is not cached: the next get asks again', async () => {
    ssm
      .on(GetParameterCommand)
      .rejectsOnce(new InternalServerError({ message: 'try later', ...meta }))
      .resolves({ Parameter: { Name: '/p/a', Value: secretOf('/p/a') }, ...meta });
    const parameters = make();
    await expect(parameters.get('/p/a')).rejects.toMatchObject({
      step: 'ssm.get-parameter',
      message: 'ssm.get-parameter: cannot read parameter /p/a: InternalServerError',
    });
    expect(await parameters.get('/p/a')).toBe(secretOf('/p/a'));
    expect(getInputs()).toHaveLength(2);
  });
});

describe('SsmParameters.getMany', () => {
  it('returns the values in the order asked, in batches of ten, decrypted', async () => {
    serve();
    const names = Array.from({ length: 23 }, (_, i) => `/p/${i}`);
    expect(await make().getMany(names)).toEqual(names.map(secretOf));
    expect(batchInputs()).toEqual([
      { Names: names.slice(0, 10), WithDecryption: true },
      { Names: names.slice(10, 20), WithDecryption: true },
      { Names: names.slice(20), WithDecryption: true },
    ]);
  });

  it('asks only for names not cached yet, each once, and caches what it read', async () => {
    serve();
    const parameters = make();
    await parameters.get('/p/a');
    expect(await parameters.getMany(['/p/a', '/p/b', '/p/b', '/p/c'])).toEqual(
      ['/p/a', '/p/b', '/p/b', '/p/c'].map(secretOf),
    );
    expect(batchInputs()).toEqual([{ Names: ['/p/b', '/p/c'], WithDecryption: true }]);
    expect(await parameters.get('/p/c')).toBe(secretOf('/p/c'));
    expect(getInputs()).toHaveLength(1);
  });

  it('a get while the batch is in flight shares it', async () => {
    serve();
    const parameters = make();
    const [many, one] = await Promise.all([parameters.getMany(['/p/a', '/p/b']), parameters.get('/p/b')]);
    expect(many).toEqual([secretOf('/p/a'), secretOf('/p/b')]);
    expect(one).toBe(secretOf('/p/b'));
    expect(getInputs()).toHaveLength(0);
    expect(batchInputs()).toHaveLength(1);
  });

  it('every missing name, across batches, is reported at once in one DependencyError', async () => {
    const names = Array.from({ length: 15 }, (_, i) => `/p/${i}`);
    serve(['/p/3', '/p/12']);
    await expect(make().getMany(names)).rejects.toMatchObject({
      step: 'ssm.get-parameters',
      message: 'ssm.get-parameters: parameters not found: /p/3, /p/12',
    });
    expect(batchInputs()).toHaveLength(2);
  });

  it('missing names are not cached, found ones are', async () => {
    serve(['/p/b']);
    const parameters = make();
    await expect(parameters.getMany(['/p/a', '/p/b'])).rejects.toBeInstanceOf(DependencyError);
    expect(await parameters.get('/p/a')).toBe(secretOf('/p/a'));
    await expect(parameters.get('/p/b')).rejects.toMatchObject({ step: 'ssm.get-parameter' });
    expect(getInputs()).toEqual([{ Name: '/p/b', WithDecryption: true }]);
  });

  it('a failed GetParameters is a DependencyError naming the batch, with the cause', async () => {
    const down = new InternalServerError({ message: 'try later', ...meta });
    ssm.on(GetParametersCommand).rejects(down);
    await expect(make().getMany(['/p/a', '/p/b'])).rejects.toMatchObject({
      step: 'ssm.get-parameters',
      message: 'ssm.get-parameters: cannot read parameters /p/a, /p/b: InternalServerError',
      cause: down,
    });
  });
});

describe('secrets stay out of errors', () => {
  it('no error carries a value that was read, whatever failed', async () => {
    serve(['/p/missing']);
    const parameters = make();
    const read = await parameters.getMany(['/p/a', '/p/b']);
    const errors: unknown[] = [];
    for (const attempt of [
      () => parameters.getMany(['/p/a', '/p/missing', '/p/b']),
      () => parameters.get('/p/missing'),
    ]) {
      await attempt().then(
        () => errors.push(new Error('expected a failure')),
        (e: unknown) => errors.push(e),
      );
    }
    expect(errors).toHaveLength(2);
    for (const error of errors) {
      expect(error).toBeInstanceOf(DependencyError);
      for (const value of read) expect(textOf(error)).not.toContain(value);
      expect(textOf(error)).not.toContain('SECRET-VALUE');
    }
  });
});
