/** `drawbridge serve` as a child process, the way a user runs it: started, waited for, killed. */
import { type ChildProcess, spawn } from 'node:child_process';

export interface ChildServe {
  process: ChildProcess;
  /** Its request URL (`http://127.0.0.1:<port>/slack/events`). */
  url: string;
  /** SIGKILL, as a crash: nothing is torn down. */
  kill9(): Promise<void>;
  /** SIGTERM, a graceful stop (no-op when it has already exited). */
  stop(): Promise<void>;
}

/** Start `serve` on a free loopback port with `env` added, and wait until it says where it listens. */
export async function startChildServe(env: Record<string, string>): Promise<ChildServe> {
  const child = spawn(process.execPath, ['bin/drawbridge.js', 'serve'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = /on (http:\/\/\S+)/.exec(out)?.[1];
      if (found) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  const exit = (signal: NodeJS.Signals) => async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };
  return { process: child, url, kill9: exit('SIGKILL'), stop: exit('SIGTERM') };
}
