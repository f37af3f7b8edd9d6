/** A Server-Sent Events client over fetch, for tests and the feed benchmark: parses frames, resumes by id. */
export interface SseEvent {
  id?: string;
  event: string;
  data: string;
  json: Record<string, unknown>;
}

export interface SseClient {
  events: SseEvent[];
  status: number;
  headers: Headers;
  /** Resolves when an event satisfies `pred` (checking those already received first). */
  waitFor(pred: (e: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  closed: Promise<void>;
  close(): void;
}

export async function sse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const ac = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: ac.signal });
  const events: SseEvent[] = [];
  const waiters = new Set<{ pred: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }>();
  const closed = (async () => {
    if (!res.body) return;
    const reader = res.body.getReader();
    const dec = new TextDecoder();
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += dec.decode(value, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const e: Partial<SseEvent> = { event: 'message', data: '' };
          const data: string[] = [];
          for (const line of frame.split('\n')) {
            if (line.startsWith(':')) continue;
            const c = line.indexOf(':');
            const field = c < 0 ? line : line.slice(0, c);
            const value = c < 0 ? '' : line.slice(c + 1).replace(/^ /, '');
            if (field === 'id') e.id = value;
            else if (field === 'event') e.event = value;
            else if (field === 'data') data.push(value);
          }
          if (!data.length) continue;
          e.data = data.join('\n');
          e.json = JSON.parse(e.data) as Record<string, unknown>;
          events.push(e as SseEvent);
          for (const w of waiters) if (w.pred(e as SseEvent)) (waiters.delete(w), w.resolve(e as SseEvent));
        }
      }
    } catch {
      return; // aborted or cut off
    }
  })();
  return {
    events,
    status: res.status,
    headers: res.headers,
    closed,
    close: () => ac.abort(),
    waitFor: (pred, timeoutMs = 10_000) => {
      const hit = events.find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const w = { pred, resolve: (e: SseEvent) => (clearTimeout(t), resolve(e)) };
        const t = setTimeout(
          () => (
            waiters.delete(w),
            reject(new Error(`no matching event within ${timeoutMs} ms; got ${events.map((e) => e.event).join(',')}`))
          ),
          timeoutMs,
        );
        waiters.add(w);
      });
    },
  };
}
