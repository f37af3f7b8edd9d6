// The transparency log's latest checkpoint, as a C2SP signed note (https://c2sp.org/tlog-checkpoint): origin, tree
// size, root hash, then signature lines "— <name> <base64>". The browser keeps the last checkpoint it saw and
// flags a log that shrank or changed its root at the same size: a rollback or a fork, visible without any proof.
import { esc, render } from './format.js';

const SEEN = 'guarantor.checkpoint';

/** Parses a checkpoint note; undefined when the text is not one. */
export function parseCheckpoint(text) {
  const [body, sigs = ''] = String(text).split('\n\n');
  const lines = body.split('\n');
  if (lines.length < 3 || !/^\d+$/.test(lines[1])) return undefined;
  return {
    origin: lines[0],
    size: Number(lines[1]),
    root: lines[2],
    extensions: lines.slice(3),
    signatures: sigs
      .split('\n')
      .filter((l) => l.startsWith('— '))
      .map((l) => l.slice(2).split(' ')[0]),
  };
}

/** Compares with the checkpoint this browser saw before; stores the new one when it is consistent. */
export function compareWithSeen(cp, storage = localStorage) {
  let prev;
  try {
    prev = JSON.parse(storage.getItem(SEEN) ?? 'null');
  } catch {
    prev = null;
  }
  let state = 'first';
  if (prev && prev.origin === cp.origin) {
    if (cp.size < prev.size) state = 'rollback';
    else if (cp.size === prev.size && cp.root !== prev.root) state = 'fork';
    else state = cp.size === prev.size ? 'unchanged' : 'grown';
  }
  if (state !== 'rollback' && state !== 'fork') storage.setItem(SEEN, JSON.stringify({ origin: cp.origin, size: cp.size, root: cp.root }));
  return { state, prev };
}

const stateText = {
  first: 'First checkpoint this browser has seen; it is kept to compare with later ones.',
  unchanged: 'Same as the last checkpoint this browser saw.',
  grown: 'The log grew since this browser last looked; its earlier checkpoint is kept for audit (`guarantor log verify` checks consistency with a proof).',
  rollback: 'WARNING: the log is smaller than a checkpoint this browser saw before: a rollback.',
  fork: 'WARNING: same size as a checkpoint this browser saw before, different root: a fork.',
};

/** Fetches the latest checkpoint (text) if the server offers one; says so when it does not. */
export async function loadCheckpoint(el, key) {
  let res;
  try {
    res = await fetch('/v1/log/checkpoint', { headers: { accept: 'text/plain', ...(key ? { authorization: `Bearer ${key}` } : {}) }, cache: 'no-cache' });
  } catch {
    render(el, '<p class="muted">The server cannot be reached.</p>');
    return undefined;
  }
  if (res.status === 404) {
    render(el, '<p class="muted">This server does not publish a transparency log checkpoint yet (<code>GET /v1/log/checkpoint</code>).</p>');
    return undefined;
  }
  const text = await res.text();
  const cp = res.ok ? parseCheckpoint(text) : undefined;
  if (!cp) {
    render(el, `<p class="muted">The checkpoint could not be read (HTTP ${res.status}).</p>`);
    return undefined;
  }
  const { state } = compareWithSeen(cp);
  render(
    el,
    `<dl class="kv">
      <dt>origin</dt><dd><code>${esc(cp.origin)}</code></dd>
      <dt>entries</dt><dd>${cp.size.toLocaleString('en')}</dd>
      <dt>root hash</dt><dd><code class="hash">${esc(cp.root)}</code></dd>
      ${cp.extensions.filter((l) => l.startsWith('time ')).map((l) => `<dt>signed at</dt><dd>${esc(l.slice(5).replace('T', ' ').replace('Z', ' UTC'))}</dd>`).join('')}
      <dt>signed by</dt><dd>${esc(cp.signatures.join(', ') || 'nobody')}</dd>
    </dl>
    <p class="log-state log-${state}" data-state="${state}">${esc(stateText[state])}</p>`,
  );
  return cp;
}
