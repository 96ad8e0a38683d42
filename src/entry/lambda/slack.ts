/** Entry point of the `slack` Lambda (bundled by esbuild for nodejs22.x). */
import { awsRuntime } from './runtime.js';
import { createSlackHandler } from './slack-handler.js';

export const handler = createSlackHandler(awsRuntime);
