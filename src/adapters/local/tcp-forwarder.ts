import net from 'node:net';
import { DependencyError } from '../../domain/errors.js';

export interface ForwarderOptions {
  listenHost: string;
  target: { host: string; port: number };
  /** Every upstream connection is bound to this local address, so the database sees it as the client. */
  sourceIp: string;
  onError?: (error: Error) => void;
}

export interface Forwarder {
  readonly port: number;
  /** Stops listening and destroys every piped connection (this is what cuts a connected client). Idempotent. */
  close(): Promise<void>;
}

/**
 * A plain TCP relay on `listenHost:<ephemeral port>`: each inbound connection gets its own upstream
 * connection to the target from `sourceIp`, piped both ways with half-close passed through.
 */
export async function startForwarder(options: ForwarderOptions): Promise<Forwarder> {
  const { listenHost, target, sourceIp } = options;
  const sockets = new Set<net.Socket>();
  let closing: Promise<void> | undefined;

  const track = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    if (closing) {
      client.destroy();
      return;
    }
    const upstream = net.connect({
      host: target.host,
      port: target.port,
      localAddress: sourceIp,
      allowHalfOpen: true,
    });
    track(client);
    track(upstream);
    // Interactive SQL is many small round trips; Nagle would add latency to each.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const cut = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', cut);
    upstream.on('error', cut);
    // pipe() forwards each side's FIN; once one side is fully closed, flush what is left to the other and close it.
    client.once('close', () => upstream.destroySoon());
    upstream.once('close', () => client.destroySoon());
    client.pipe(upstream);
    upstream.pipe(client);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, listenHost, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((cause: unknown) => {
    throw new DependencyError('launch', `local bastion cannot listen on ${listenHost}`, { cause });
  });
  // Past listen, a server error (e.g. EMFILE on accept) must not crash the process.
  server.on('error', (error) => options.onError?.(error));

  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
