/**
 * Vitest global setup of the `aws` project: one moto_server for the whole run, on a free port, stopped at the
 * end. Each test file works in its own region, so files never see each other's instances, tables or
 * schedules.
 *
 * Where moto_server is missing the suite is skipped with one line saying how to get it — except under
 * CI=true, where a missing moto_server fails the run.
 */
import type { TestProject } from 'vitest/node';
import { MOTO_INSTALL_HINT, motoServerCommand, startMotoServer } from './moto-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `http://127.0.0.1:<port>` of the run's moto_server; undefined when it is not installed. */
    motoEndpoint: string | undefined;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const command = motoServerCommand();
  if (!command) {
    if (process.env.CI === 'true') {
      throw new Error(`moto_server is not installed, and CI needs the AWS suite: ${MOTO_INSTALL_HINT}`);
    }
    console.warn(`moto_server not found: the AWS suite (test/aws) is skipped — ${MOTO_INSTALL_HINT}`);
    project.provide('motoEndpoint', undefined);
    return async () => {};
  }
  const moto = await startMotoServer(command);
  project.provide('motoEndpoint', moto.endpoint);
  return () => moto.stop();
}
