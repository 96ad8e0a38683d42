/**
 * Recognising AWS SDK errors by name. The SDK's exception classes set `name` to the modelled error, so a name
 * check matches the real classes and also errors the SDK raises without a modelled class (a throttle reported
 * by the retry layer, an error from a second copy of the client package), where `instanceof` would miss.
 */
export function isAwsError(error: unknown, ...names: readonly string[]): boolean {
  return error instanceof Error && names.includes(error.name);
}

/** `name` of an SDK error for a message (never its text: that is the service's, and we don't vouch for it). */
export function awsErrorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
