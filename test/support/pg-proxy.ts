/** A TCP proxy in front of the tests' PostgreSQL that plays a restart without restarting the shared server. */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { pgUrl } from './postgres.js';

/** Forwards 127.0.0.1:port to PostgreSQL; `outage(ms)` drops every connection and refuses new ones meanwhile. */
export async function pgProxy(): Promise<{ url: string; outage(ms: number): Promise<void>; close(): Promise<void> }> {
  const target = new URL(pgUrl);
  const sockets = new Set<Socket>();
  let down = false;
  const server: Server = createServer((client) => {
    if (down) return client.destroy();
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const url = new URL(pgUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    async outage(ms) {
      down = true;
      for (const s of sockets) s.destroy();
      await new Promise((r) => setTimeout(r, ms));
      down = false;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
