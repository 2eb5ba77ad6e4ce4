/**
 * A TCP relay between a client (sipd, the console) and MariaDB, for database outages without stopping the shared server
 * (other test files use it at the same time). sipd connects to `url` (the database URL with the
 * relay's address); cut() resets every relayed connection and from then on resets each new one at
 * once, as a stopped server or a broken network would look to the client; restore() relays again.
 */
import { createServer, connect as netConnect, type Socket } from "node:net";

export interface DbRelay {
  /** `targetUrl` with host:port replaced by the relay's. */
  readonly url: string;
  readonly port: number;
  readonly down: boolean;
  readonly counters: Readonly<{ relayed: number; refused: number; cut: number }>;
  /** Resets every open connection and refuses new ones until restore(). */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startDbRelay(targetUrl: string): Promise<DbRelay> {
  const target = new URL(targetUrl);
  const targetHost = target.hostname.replace(/^\[|\]$/g, "");
  const targetPort = Number(target.port || 3306);
  const pairs = new Set<[Socket, Socket]>();
  const counters = { relayed: 0, refused: 0, cut: 0 };
  let down = false;

  const server = createServer((client) => {
    if (down) {
      counters.refused++;
      client.resetAndDestroy();
      return;
    }
    counters.relayed++;
    const upstream = netConnect(targetPort, targetHost);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  const url = new URL(targetUrl);
  url.hostname = "127.0.0.1";
  url.port = String(port);

  return {
    url: url.toString(),
    port,
    get down() {
      return down;
    },
    counters,
    cut() {
      down = true;
      for (const pair of pairs) {
        counters.cut++;
        pair[0].resetAndDestroy();
        pair[1].destroy();
      }
      pairs.clear();
    },
    restore() {
      down = false;
    },
    async close() {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      pairs.clear();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
