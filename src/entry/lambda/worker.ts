/** Entry point of the `worker` Lambda (bundled by esbuild for nodejs22.x). */
import { awsRuntime } from './runtime.js';
import { createWorkerHandler } from './worker-handler.js';

export const handler = createWorkerHandler(async () => (await awsRuntime()).deps);
