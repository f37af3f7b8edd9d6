/**
 * Canonical JSON after RFC 8785 (JCS): object keys sorted by UTF-16 code units, no whitespace, strings and numbers
 * serialised as ECMAScript's JSON.stringify does (shortest round-trip numbers, RFC 8785 §3.2.2). The same value
 * gives the same bytes whatever its key order, so a record's leaf hash depends only on its content.
 *
 * Stricter than JSON.stringify, which silently drops or rewrites what JSON cannot say: NaN, ±Infinity,
 * undefined, functions, symbols, bigints, lone surrogates (not I-JSON, RFC 7493), cycles, array holes and
 * non-plain objects (Date, Map, class instances) are refused with the path to the offending value.
 */
import { TlogError } from './error.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Deeper than any record we log; stops hostile input from exhausting the stack. */
export const MAX_DEPTH = 64;

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Whether a string is Unicode: no lone UTF-16 surrogate. String#isWellFormed (V8 11.x, Node 20) is native; the regex is the fallback. */
export const wellFormed: (s: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function'
    ? (s) => (s as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (s) => !loneSurrogate.test(s);

// Records share their keys, so each key's serialisation (`"key":`) is computed once. Bounded: hostile input with
// endless distinct keys stops being cached rather than growing memory.
const keyText = new Map<string, string>();
const KEY_CACHE_LIMIT = 10_000;

export function canonicalJson(value: unknown): string {
  try {
    return fast(value, false, 0);
  } catch (e) {
    if (e !== unusual) throw e;
  }
  // Something to refuse: the writer below finds it again and names its path.
  const w = new Writer();
  w.value(value);
  return w.out.join('');
}

/**
 * The canonical JSON of `value` as a JSON store keeps it: exactly `canonicalJson(JSON.parse(JSON.stringify(value)))`
 * (undefined members dropped, undefined array elements and non-finite numbers as null), in one pass instead of
 * three. Records are logged as they are stored (src/store/log-entries.ts); on ingest this is most of the log's
 * serialising. Anything unusual (toJSON, non-plain objects, lone surrogates, cycles, depth) takes the round trip, so
 * the result, or the error, is always the round trip's.
 */
export function canonicalStoredJson(value: unknown): string {
  try {
    // JSON.stringify gives no text for these at the top level (and JSON.parse then throws).
    if (value !== undefined && typeof value !== 'function' && typeof value !== 'symbol') return fast(value, true, 0);
  } catch (e) {
    if (e !== unusual) throw e;
  }
  return canonicalJson(JSON.parse(JSON.stringify(value)) as unknown);
}

/**
 * Whether JSON.stringify writes `value` exactly as `canonicalStoredJson` would: every object plain, without toJSON,
 * its keys (in the order JSON.stringify takes them) strictly ascending by UTF-16 code units, every string and key
 * Unicode, no bigint, not deeper than MAX_DEPTH. The pipeline builds its records with their keys in that order
 * (canonical-order.test.ts), so most of a batch's documents are written by the native serialiser. Keys are checked
 * before values, so an object whose own keys are out of order is refused without walking below it.
 */
export function inCanonicalOrder(value: unknown, depth = 0): boolean {
  switch (typeof value) {
    case 'string':
      return wellFormed(value);
    case 'bigint':
      return false;
    case 'object': {
      if (value === null) return true;
      if (depth >= MAX_DEPTH) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!inCanonicalOrder(value[i], depth + 1)) return false;
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
      const keys = Object.keys(value);
      let prev: string | undefined;
      for (const key of keys) {
        if (prev !== undefined && !(prev < key)) return false;
        if (!wellFormed(key) || !inCanonicalOrder((value as Record<string, unknown>)[key], depth + 1)) return false;
        prev = key;
      }
      return true;
    }
    default:
      // Numbers (non-finite ones are null either way), booleans, and what both leave out or write as null.
      return true;
  }
}

/** Thrown by `fast` when the value needs the careful path (to refuse it with a message, or to round-trip it). */
const unusual = new Error('unusual value');

const plain = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

const skipped = (x: unknown): boolean => x === undefined || typeof x === 'function' || typeof x === 'symbol';

/**
 * The common case, without Writer's bookkeeping: strings concatenated (V8 flattens the rope once), no path kept,
 * depth counted instead of containers tracked. `stored` applies JSON.stringify's rules to undefined and non-finite
 * numbers; anything else out of the ordinary throws `unusual`.
 */
function fast(value: unknown, stored: boolean, depth: number): string {
  switch (typeof value) {
    case 'string':
      // Most strings are printable ASCII without quote or backslash: JSON.stringify would only add the quotes.
      if (plain.test(value)) return `"${value}"`;
      if (!wellFormed(value)) throw unusual;
      return JSON.stringify(value);
    case 'number':
      if (Number.isFinite(value)) return value === 0 ? '0' : String(value);
      if (stored) return 'null';
      throw unusual;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (depth >= MAX_DEPTH) throw unusual;
      // A record and its members (an incident whose own keys are out of order, its members in order) are tried
      // whole; deeper, the walk would repeat what was just checked.
      if (stored && depth < 2 && inCanonicalOrder(value, depth)) return JSON.stringify(value);
      if (stored && typeof (value as { toJSON?: unknown }).toJSON === 'function') throw unusual;
      if (Array.isArray(value)) {
        let s = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) s += ',';
          const x: unknown = value[i];
          if (skipped(x)) {
            if (!stored) throw unusual;
            s += 'null';
          } else s += fast(x, stored, depth + 1);
        }
        return s + ']';
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw unusual;
      if (!stored && Object.getOwnPropertySymbols(value).length > 0) throw unusual;
      // The default sort compares UTF-16 code units: the order RFC 8785 §3.2.3 requires.
      const keys = Object.keys(value).sort();
      let s = '{';
      let first = true;
      for (const key of keys) {
        const child = (value as Record<string, unknown>)[key];
        if (skipped(child)) {
          if (!stored) throw unusual;
          continue;
        }
        let text = keyText.get(key);
        if (text === undefined) {
          if (!wellFormed(key)) throw unusual;
          text = `${JSON.stringify(key)}:`;
          if (keyText.size < KEY_CACHE_LIMIT) keyText.set(key, text);
        }
        s += first ? text : `,${text}`;
        first = false;
        s += fast(child, stored, depth + 1);
      }
      return s + '}';
    }
    default:
      throw unusual;
  }
}

class Writer {
  /** Pieces joined once at the end: one copy, where += would build a rope that is flattened later. */
  readonly out: string[] = [];
  /** Keys and indices from the root to the value being written; formatted only when something is refused. */
  readonly #path: (string | number)[] = [];
  /** The containers being written, root first; a cycle shows up as depth, and is named when the depth runs out. */
  readonly #open: object[] = [];

  value(value: unknown): void {
    switch (typeof value) {
      case 'string':
        if (!wellFormed(value)) throw this.#bad('a string with a lone UTF-16 surrogate is not valid Unicode');
        this.out.push(JSON.stringify(value));
        return;
      case 'number':
        if (!Number.isFinite(value)) throw this.#bad(`${value} is not a JSON number`);
        // Number#toString is the ECMAScript serialisation RFC 8785 §3.2.2.3 prescribes; -0 becomes 0.
        this.out.push(value === 0 ? '0' : String(value));
        return;
      case 'boolean':
        this.out.push(value ? 'true' : 'false');
        return;
      case 'object':
        if (value === null) {
          this.out.push('null');
          return;
        }
        return this.#container(value);
      default:
        throw this.#bad(`${typeof value} is not a JSON value`);
    }
  }

  #container(value: object): void {
    if (this.#open.length >= MAX_DEPTH) {
      // Name the first place where a container reappears inside itself, if that is why we are this deep.
      const open = this.#open;
      const repeat = open.findIndex((o, i) => open.indexOf(o) < i);
      if (repeat > 0) throw this.#bad('the value contains itself (a cycle)', repeat);
      throw this.#bad(`nested deeper than ${MAX_DEPTH} levels`);
    }
    this.#open.push(value);
    if (Array.isArray(value)) {
      this.out.push('[');
      for (let i = 0; i < value.length; i++) {
        if (i > 0) this.out.push(',');
        this.#path.push(i);
        if (!(i in value)) throw this.#bad('a hole in an array is not a JSON value');
        this.value(value[i]);
        this.#path.pop();
      }
      this.out.push(']');
    } else {
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        const name = (proto as { constructor?: { name?: string } }).constructor?.name ?? 'non-plain';
        throw this.#bad(`a ${name} object is not plain JSON data; convert it first`);
      }
      if (Object.getOwnPropertySymbols(value).length > 0) throw this.#bad('symbol keys are not JSON');
      // The default sort compares UTF-16 code units: the order RFC 8785 §3.2.3 requires.
      const keys = Object.keys(value).sort();
      this.out.push('{');
      let first = true;
      for (const key of keys) {
        const child = (value as Record<string, unknown>)[key];
        this.#path.push(key);
        let text = keyText.get(key);
        if (text === undefined) {
          if (!wellFormed(key)) throw this.#bad('the key has a lone UTF-16 surrogate');
          text = `${JSON.stringify(key)}:`;
          if (keyText.size < KEY_CACHE_LIMIT) keyText.set(key, text);
        }
        if (child === undefined) throw this.#bad('undefined is not a JSON value; omit the key or use null');
        this.out.push(first ? text : `,${text}`);
        first = false;
        this.value(child);
        this.#path.pop();
      }
      this.out.push('}');
    }
    this.#open.pop();
  }

  #bad(reason: string, depth = this.#path.length): TlogError {
    let path = '$';
    for (const p of this.#path.slice(0, depth))
      path += typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`;
    return new TlogError('entry-value', `${path}: ${reason}`);
  }
}
