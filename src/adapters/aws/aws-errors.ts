/**
 * SDK errors → project errors, shared by the AWS adapters.
 *
 * Services with modelled exceptions (SSM, Scheduler, Lambda) throw classes whose `name` is the error code;
 * EC2 has none, so its errors arrive as the service's base exception with `name` (and `Code`) set to the
 * code from the XML body (`InsufficientInstanceCapacity`, `InvalidInstanceID.NotFound`, …). Reading
 * `name` first therefore covers both.
 */
import { DependencyError } from '../../domain/errors.js';

/** The AWS error code of an SDK service exception, or undefined for anything else (network errors, bugs). */
export function awsErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const { name, Code } = error as { name?: unknown; Code?: unknown };
  if (typeof name === 'string' && name !== 'Error' && name !== 'ServiceException') return name;
  return typeof Code === 'string' ? Code : undefined;
}

/**
 * Whether `error` is an SDK error with one of `codes`. By name, not `instanceof`: it also matches errors the
 * SDK raises without a modelled class, and errors from a second copy of a client package.
 */
export function isAwsError(error: unknown, ...codes: readonly string[]): boolean {
  const code = awsErrorCode(error);
  return code !== undefined && codes.includes(code);
}

/** The code of an SDK error for a message (never its text: that is the service's, and we don't vouch for it). */
export function awsErrorName(error: unknown): string {
  return awsErrorCode(error) ?? (error instanceof Error ? error.name : typeof error);
}

/**
 * How many attempts the SDK made before it threw `error` (its retry layer records them on the error), for a
 * message: an error that survived retries says so.
 */
export function attemptsNote(error: unknown): string {
  const attempts = (error as { $metadata?: { attempts?: unknown } } | null)?.$metadata?.attempts;
  return typeof attempts === 'number' && attempts > 1 ? ` (after ${attempts} attempts)` : '';
}

/** `Code: message` of an AWS error, for a reason people read (AWS messages carry no secrets of ours). */
export function describeAwsError(error: unknown): string {
  const code = awsErrorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return `${code && !message.startsWith(code) ? `${code}: ${message}` : message}${attemptsNote(error)}`;
}

/** A DependencyError for a failed AWS call, keeping the SDK error as `cause`. */
export function awsDependencyError(step: string, what: string, error: unknown): DependencyError {
  return new DependencyError(step, `${what} failed: ${describeAwsError(error)}`, { cause: error });
}
