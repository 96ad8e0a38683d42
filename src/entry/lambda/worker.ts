/**
 * Entry point of the `worker` Lambda (bundled by esbuild for nodejs22.x). The runtime — config, secrets,
 * clients — loads on the first event, and each AWS adapter on its first use.
 */
import { createWorkerHandler } from './worker-handler.js';

export const handler = createWorkerHandler(async () => {
  const { awsRuntime } = await import('./runtime.js');
  return (await awsRuntime('worker')).deps;
});
