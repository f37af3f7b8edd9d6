// @ts-check
// The transparency log, checked in the browser (docs/tlog.md): the latest checkpoint is a C2SP signed note
// (https://c2sp.org/tlog-checkpoint, https://c2sp.org/signed-note). The page verifies the log's Ed25519 signature
// and each registered witness's cosignature (https://c2sp.org/tlog-cosignature) with WebCrypto, pins the log key on
// first use, and proves with an RFC 9162 §2.1.4 consistency proof that the tree it sees now extends the one it saw
// before. A log that shrank, forked or changed its key is shown in red.
import { esc, render } from './format.js';

const SEEN = 'guarantor.checkpoint';
const PINNED = 'guarantor.logkey';
const enc = new TextEncoder();

const b64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const sha256 = async (...parts) => new Uint8Array(await crypto.subtle.digest('SHA-256', concat(...parts)));
const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Parses a signed note: the text (through its final newline) and its signature lines. */
export function parseCheckpoint(note) {
  const at = String(note).indexOf('\n\n');
  if (at < 0) return undefined;
  const text = note.slice(0, at + 1);
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3 || !/^(0|[1-9]\d*)$/.test(lines[1])) return undefined;
  const signatures = note
    .slice(at + 2)
    .split('\n')
    .filter((l) => l.startsWith('— '))
    .map((l) => {
      const [name, sig] = l.slice(2).split(' ');
      return { name, sig };
    });
  return { text, origin: lines[0], size: Number(lines[1]), root: lines[2], extensions: lines.slice(3), signatures };
}

/** A vkey `name+keyid+base64(type || key)`, its ID checked: SHA-256(name || 0x0A || type || key)[:4]. */
export async function parseVkey(vkey) {
  const parts = vkey.trim().split('+');
  if (parts.length < 3) return undefined;
  const [name, idHex] = parts;
  const data = b64(parts.slice(2).join('+'));
  if (data.length !== 33) return undefined;
  const id = (await sha256(enc.encode(name), Uint8Array.of(0x0a), data)).slice(0, 4);
  if ([...id].map((x) => x.toString(16).padStart(2, '0')).join('') !== idHex) return undefined;
  return { name, id, type: data[0], key: data.slice(1), vkey: vkey.trim() };
}

async function ed25519(key, sig, message) {
  const k = await crypto.subtle.importKey('raw', key, { name: 'Ed25519' }, false, ['verify']);
  return crypto.subtle.verify({ name: 'Ed25519' }, k, sig, message);
}

/** The log's own signature: type 0x01, over the note text. */
async function verifyLogSignature(cp, k) {
  for (const s of cp.signatures) {
    if (s.name !== k.name) continue;
    const raw = b64(s.sig);
    if (raw.length !== 68 || !equal(raw.slice(0, 4), k.id)) continue;
    if (await ed25519(k.key, raw.slice(4), enc.encode(cp.text))) return true;
  }
  return false;
}

/** A witness cosignature (type 0x04): key ID, 8-byte big-endian time, signature over "cosignature/v1\ntime T\n" + text. */
async function verifyCosignature(cp, w) {
  for (const s of cp.signatures) {
    if (s.name !== w.name) continue;
    const raw = b64(s.sig);
    if (raw.length !== 76 || !equal(raw.slice(0, 4), w.id)) continue;
    const t = new DataView(raw.buffer, 4, 8).getBigUint64(0);
    if (await ed25519(w.key, raw.slice(12), enc.encode(`cosignature/v1\ntime ${t}\n${cp.text}`)))
      return Number(t) * 1000;
  }
  return undefined;
}

const hashChildren = (l, r) => sha256(Uint8Array.of(1), l, r);

/** RFC 9162 §2.1.4.2: does the tree of size `second` with root `second_hash` extend the one of size `first`? */
export async function verifyConsistency(first, second, firstHash, secondHash, proof) {
  if (first > second) return false;
  if (first === second) return proof.length === 0 && equal(firstHash, secondHash);
  if (first === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = (first & (first - 1)) === 0 ? [firstHash, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn & 1 || fn === sn) {
      fr = await hashChildren(c, fr);
      sr = await hashChildren(c, sr);
      if (!(fn & 1)) {
        do {
          fn >>= 1;
          sn >>= 1;
        } while (!(fn & 1) && fn !== 0);
      }
    } else {
      sr = await hashChildren(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 && equal(fr, firstHash) && equal(sr, secondHash);
}

async function text(url) {
  const res = await fetch(url, { headers: { accept: 'text/plain' }, cache: 'no-cache' });
  return { status: res.status, body: await res.text() };
}

/**
 * Fetches and checks the latest checkpoint; renders what was verified. Returns the verdict for tests:
 * `{ state, signature, witnesses, consistency }`.
 */
export async function loadCheckpoint(el, storage = localStorage) {
  let note;
  let vkey;
  try {
    [note, vkey] = await Promise.all([text('/v1/log/checkpoint'), text('/v1/log/key')]);
  } catch {
    render(el, '<p class="muted">The server cannot be reached.</p>');
    return undefined;
  }
  if (note.status === 404) {
    render(el, '<p class="muted">This server does not publish a transparency log.</p>');
    return undefined;
  }
  const cp = note.status === 200 ? parseCheckpoint(note.body) : undefined;
  const key = vkey.status === 200 ? await parseVkey(vkey.body) : undefined;
  if (!cp || !key) {
    render(
      el,
      `<p class="error">The checkpoint or the log key could not be read (HTTP ${note.status}, ${vkey.status}).</p>`,
    );
    return undefined;
  }
  const verdict = { size: cp.size, signature: false, keyChanged: false, witnesses: [], consistency: 'first' };
  const problems = [];
  try {
    verdict.signature = await verifyLogSignature(cp, key);
  } catch (e) {
    problems.push(`this browser cannot verify Ed25519 signatures (${e.message})`);
  }
  if (!verdict.signature && !problems.length) problems.push('the checkpoint is not signed by the log key');
  const pinned = storage.getItem(PINNED);
  if (pinned && pinned !== key.vkey) {
    verdict.keyChanged = true;
    problems.push(`the log key changed: this browser first saw ${pinned}`);
  } else if (!pinned) storage.setItem(PINNED, key.vkey);

  // Witnesses registered with the log: each cosignature verified, with the time the witness vouched for.
  try {
    const res = await fetch('/v1/log/witnesses', { cache: 'no-cache' });
    const list = res.ok ? (await res.json()).witnesses : [];
    for (const w of list) {
      const k = await parseVkey(w.vkey);
      const at = k ? await verifyCosignature(cp, k) : undefined;
      verdict.witnesses.push({ name: w.name, at });
    }
  } catch {
    // Witnesses are extra assurance; their absence is shown, not an error.
  }

  // Consistency with the checkpoint this browser saw before.
  let prev;
  try {
    prev = JSON.parse(storage.getItem(SEEN) ?? 'null');
  } catch {
    prev = null;
  }
  if (prev && prev.origin === cp.origin && verdict.signature) {
    if (cp.size < prev.size) verdict.consistency = 'rollback';
    else if (cp.size === prev.size) verdict.consistency = cp.root === prev.root ? 'unchanged' : 'fork';
    else {
      const res = await fetch(`/v1/log/proof/consistency?from=${prev.size}&to=${cp.size}`, { cache: 'no-cache' });
      const proof = res.ok ? (await res.json()).proof.map(b64) : undefined;
      verdict.consistency =
        proof && (await verifyConsistency(prev.size, cp.size, b64(prev.root), b64(cp.root), proof))
          ? 'consistent'
          : 'inconsistent';
    }
  }
  if (verdict.signature && !verdict.keyChanged && ['first', 'unchanged', 'consistent'].includes(verdict.consistency)) {
    storage.setItem(SEEN, JSON.stringify({ origin: cp.origin, size: cp.size, root: cp.root }));
  }
  const bad =
    !verdict.signature || verdict.keyChanged || ['rollback', 'fork', 'inconsistent'].includes(verdict.consistency);
  verdict.state = bad ? 'failed' : 'verified';

  const consistencyText = {
    first: 'first checkpoint this browser has seen; it is kept to check the next one against',
    unchanged: 'same tree as the last checkpoint this browser saw',
    consistent: `extends the tree of ${prev?.size?.toLocaleString('en')} entries this browser saw before (consistency proof verified)`,
    rollback: `the log is smaller than the ${prev?.size?.toLocaleString('en')} entries this browser saw before: a rollback`,
    fork: 'same size as a checkpoint this browser saw before, different root: a fork',
    inconsistent: `does not extend the tree of ${prev?.size?.toLocaleString('en')} entries this browser saw before: the consistency proof fails`,
  }[verdict.consistency];
  const time = cp.extensions.find((l) => l.startsWith('time '))?.slice(5);
  render(
    el,
    `<p class="log-state log-${verdict.state}" data-state="${verdict.state}">${verdict.state === 'verified' ? '✔ verified in this browser' : '✘ VERIFICATION FAILED'}</p>
    ${problems.length ? `<ul class="items compact error">${problems.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>` : ''}
    <dl class="kv">
      <dt>log</dt><dd><code>${esc(cp.origin)}</code></dd>
      <dt>entries</dt><dd>${cp.size.toLocaleString('en')}</dd>
      <dt>root hash</dt><dd><code class="hash">${esc(cp.root)}</code></dd>
      ${time ? `<dt>signed at</dt><dd>${esc(time.replace('T', ' ').replace('Z', ' UTC'))}</dd>` : ''}
      <dt>signature</dt><dd>${verdict.signature ? `valid, key <code>${esc(key.name)}</code> (pinned in this browser)` : 'not valid'}</dd>
      <dt>witnesses</dt><dd>${verdict.witnesses.length ? verdict.witnesses.map((w) => `${esc(w.name)}: ${w.at ? `cosigned ${esc(new Date(w.at).toISOString().slice(0, 16).replace('T', ' '))} UTC` : 'not cosigned'}`).join('<br>') : 'none registered'}</dd>
      <dt>history</dt><dd>${esc(consistencyText)}</dd>
    </dl>`,
  );
  el.dataset.state = verdict.state;
  el.dataset.consistency = verdict.consistency;
  return verdict;
}
