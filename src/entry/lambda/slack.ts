/**
 * Entry point of the `slack` Lambda (bundled by esbuild for nodejs22.x). Bolt and the runtime load on the
 * first request (cached while the function is warm).
 */
import type { SlackRuntime } from './slack-handler.js';

let handle: Promise<(event: unknown, context: unknown) => Promise<unknown>> | undefined;

export const handler = async (event: unknown, context: unknown): Promise<unknown> => {
  handle ??= (async () => {
    const [{ createSlackHandler }, { awsRuntime }] = await Promise.all([
      import('./slack-handler.js'),
      import('./runtime.js'),
    ]);
    return createSlackHandler(async (): Promise<SlackRuntime> => awsRuntime('slack')) as (
      e: unknown,
      c: unknown,
    ) => Promise<unknown>;
  })().catch((e: unknown) => {
    handle = undefined;
    throw e;
  });
  return (await handle)(event, context);
};
