/**
 * Vitest global setup of the `aws` project: one moto_server (a real AWS API server on loopback that keeps
 * state) for the whole run, on a free port, stopped at the end. Each test file works in its own region,
 * so files never see each other's instances, tables or schedules.
 *
 * Where moto_server is missing the suite is skipped with one line saying how to get it — except under
 * CI=true, where a missing moto_server fails the run.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `http://127.0.0.1:<port>` of the run's moto_server; undefined when it is not installed. */
    motoEndpoint: string | undefined;
  }
}

const INSTALL_HINT = "pip install 'moto[server]'";

function motoCommand(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

async function waitUntilServing(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const command = motoCommand();
  if (!command) {
    if (process.env.CI === 'true') {
      throw new Error(`moto_server is not installed, and CI needs the AWS suite: ${INSTALL_HINT}`);
    }
    console.warn(`moto_server not found: the AWS suite (test/aws) is skipped — ${INSTALL_HINT}`);
    project.provide('motoEndpoint', undefined);
    return async () => {};
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(command, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  try {
    await waitUntilServing(endpoint, child, 30_000);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  project.provide('motoEndpoint', endpoint);
  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
}
