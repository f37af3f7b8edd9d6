// @ts-check
// The live feed (GET /v1/events, Server-Sent Events; docs/operations/public.md), read with fetch rather than
// EventSource so the API key travels in the Authorization header, never in a URL. Reconnects with Last-Event-ID,
// waiting longer after each failure (1 s doubling to a minute), so a server restart costs nothing.

/** Follows the feed until `stop()`; `onEvent(kind, data)` for each event, `onState('live' | 'offline', error?, delay?)`. */
export function follow({ key, onEvent, onState }) {
  let last;
  let stopped = false;
  let ctrl;
  let failures = 0;
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  async function run() {
    while (!stopped) {
      ctrl = new AbortController();
      try {
        const headers = { accept: 'text/event-stream' };
        if (key) headers.authorization = `Bearer ${key}`;
        if (last !== undefined) headers['last-event-id'] = String(last);
        const res = await fetch('/v1/events', { headers, signal: ctrl.signal, cache: 'no-store' });
        if (!res.ok || !res.body) throw new Error(`the live feed answered ${res.status}`);
        failures = 0;
        onState('live');
        const reader = res.body.getReader();
        const dec = new TextDecoder();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += dec.decode(value, { stream: true });
          let i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const frame = buf.slice(0, i);
            buf = buf.slice(i + 2);
            let kind = 'message';
            let data = '';
            for (const line of frame.split('\n')) {
              if (line.startsWith('id: ')) last = Number(line.slice(4));
              else if (line.startsWith('event: ')) kind = line.slice(7);
              else if (line.startsWith('data: ')) data += line.slice(6);
            }
            if (data) onEvent(kind, JSON.parse(data));
          }
        }
        throw new Error('the live feed ended');
      } catch (e) {
        if (stopped) return;
        failures++;
        const delay = Math.min(60_000, 1000 * 2 ** (failures - 1));
        onState('offline', e, delay);
        await sleep(delay);
      }
    }
  }
  run();
  return {
    stop() {
      stopped = true;
      ctrl?.abort();
    },
  };
}
