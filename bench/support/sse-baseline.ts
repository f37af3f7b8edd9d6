// The feed benchmark's baseline: the least a peer could do to fan events out over SSE. A bare node:http server
// holds the connections and writes each event, serialised once, to every one of them; nothing is stored or read.
// `node --import tsx bench/support/sse-baseline.ts` prints `READY <url>`; `POST /emit?n=N` writes N events.
import { createServer, type ServerResponse } from 'node:http';

const clients = new Set<ServerResponse>();
let seq = 0;
const server = createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    res.write(': baseline\n\n');
    clients.add(res);
    res.on('close', () => clients.delete(res));
    return;
  }
  const n = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('n') ?? 1);
  const at = Date.now();
  for (let i = 0; i < n; i++) {
    seq++;
    const frame = `id: ${seq}\nevent: violation\ndata: ${JSON.stringify({ seq, kind: 'violation', at, id: `vio-${seq}`, pad: 'x'.repeat(200) })}\n\n`;
    for (const c of clients) c.write(frame);
  }
  res.end(String(seq));
});
server.listen(0, '127.0.0.1', () => {
  const a = server.address() as { port: number };
  process.stdout.write(`READY http://127.0.0.1:${a.port}\n`);
});
