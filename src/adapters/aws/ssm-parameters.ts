import { GetParameterCommand, GetParametersCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { DependencyError } from '../../domain/errors.js';
import { awsErrorName, isAwsError } from './aws-errors.js';

export interface SsmParametersOptions {
  client: SSMClient;
  /** How long a value is reused; by default for the life of the process (a warm Lambda). */
  ttlSeconds?: number;
  now?: () => Date;
}

/** GetParameters takes at most this many names per call. */
export const GET_PARAMETERS_BATCH = 10;

/** A parameter that does not exist (or that this role may not see): named, so the operator can fix the config. */
class MissingParameterError extends DependencyError {
  constructor(
    step: string,
    readonly parameter: string,
    options?: { cause?: unknown },
  ) {
    super(step, `parameter ${parameter} not found`, options);
  }
}

interface Entry {
  value: Promise<string>;
  expiresAt: number;
}

/**
 * Secrets from SSM Parameter Store (SecureStrings, decrypted), cached per name. Concurrent reads of one name
 * share a single call; a failed read is not cached. Values never appear in an error: messages name the
 * parameter only, and the SDK's own errors (kept as `cause`) never carry a value.
 */
export class SsmParameters {
  private readonly client: SSMClient;
  private readonly ttlMs: number;
  private readonly now: () => Date;
  private readonly cache = new Map<string, Entry>();

  constructor(options: SsmParametersOptions) {
    this.client = options.client;
    this.ttlMs = (options.ttlSeconds ?? Number.POSITIVE_INFINITY) * 1000;
    this.now = options.now ?? (() => new Date());
  }

  /** The decrypted value of one parameter; throws DependencyError naming it when it is missing or unreadable. */
  get(name: string): Promise<string> {
    return this.fresh(name) ?? this.remember(name, this.fetchOne(name));
  }

  /**
   * The values of `names`, in the same order, fetched in batches of ten (cached names are not asked again).
   * Every missing name is reported at once, in one DependencyError.
   */
  async getMany(names: readonly string[]): Promise<string[]> {
    const pending = new Map<string, Promise<string>>();
    const toFetch: string[] = [];
    for (const name of new Set(names)) {
      const cached = this.fresh(name);
      if (cached) pending.set(name, cached);
      else toFetch.push(name);
    }
    for (let i = 0; i < toFetch.length; i += GET_PARAMETERS_BATCH) {
      const batch = toFetch.slice(i, i + GET_PARAMETERS_BATCH);
      const fetched = this.fetchBatch(batch);
      for (const name of batch) {
        const value = fetched.then((values) => {
          const found = values.get(name);
          if (found === undefined) throw new MissingParameterError('ssm.get-parameters', name);
          return found;
        });
        pending.set(name, this.remember(name, value));
      }
    }

    const settled = await Promise.all(
      [...pending].map(([name, value]) =>
        value.then(
          (v) => ({ name, ok: true as const, value: v }),
          (error: unknown) => ({ name, ok: false as const, error }),
        ),
      ),
    );
    const values = new Map<string, string>();
    const missing: string[] = [];
    for (const outcome of settled) {
      if (outcome.ok) values.set(outcome.name, outcome.value);
      else if (outcome.error instanceof MissingParameterError) missing.push(outcome.name);
      // Anything else (denied, throttled, down) is not about one name: report it as it is.
      else throw outcome.error;
    }
    if (missing.length > 0) {
      throw new DependencyError('ssm.get-parameters', `parameters not found: ${missing.join(', ')}`);
    }
    return names.map((name) => values.get(name) as string);
  }

  private fresh(name: string): Promise<string> | undefined {
    const entry = this.cache.get(name);
    if (entry && this.now().getTime() < entry.expiresAt) return entry.value;
    return undefined;
  }

  /** Caches `value` under `name`: shared while in flight, then kept for the TTL from its arrival. */
  private remember(name: string, value: Promise<string>): Promise<string> {
    const entry: Entry = { value, expiresAt: Number.POSITIVE_INFINITY };
    this.cache.set(name, entry);
    value.then(
      () => {
        entry.expiresAt = this.now().getTime() + this.ttlMs;
      },
      () => {
        // A failure is forgotten, so the next read asks again. Handling it here also keeps a batch-derived
        // promise that nobody else awaits from surfacing as an unhandled rejection.
        if (this.cache.get(name) === entry) this.cache.delete(name);
      },
    );
    return value;
  }

  private async fetchOne(name: string): Promise<string> {
    let value: string | undefined;
    try {
      const out = await this.client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
      value = out.Parameter?.Value;
    } catch (error) {
      if (isAwsError(error, 'ParameterNotFound')) {
        throw new MissingParameterError('ssm.get-parameter', name, { cause: error });
      }
      throw new DependencyError(
        'ssm.get-parameter',
        `cannot read parameter ${name}: ${awsErrorName(error)}`,
        {
          cause: error,
        },
      );
    }
    if (value === undefined) throw new MissingParameterError('ssm.get-parameter', name);
    return value;
  }

  /** The values found, by requested name; names SSM reports invalid (or leaves out) are simply absent. */
  private async fetchBatch(names: string[]): Promise<Map<string, string>> {
    try {
      const out = await this.client.send(new GetParametersCommand({ Names: names, WithDecryption: true }));
      const values = new Map<string, string>();
      for (const parameter of out.Parameters ?? []) {
        if (parameter.Name !== undefined && parameter.Value !== undefined)
          values.set(parameter.Name, parameter.Value);
      }
      return values;
    } catch (error) {
      throw new DependencyError(
        'ssm.get-parameters',
        `cannot read parameters ${names.join(', ')}: ${awsErrorName(error)}`,
        { cause: error },
      );
    }
  }
}
