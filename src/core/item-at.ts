/**
 * An element that must exist: `xs[i]` where the logic guarantees `i` is in range (or the key present). With
 * `noUncheckedIndexedAccess` an index access may be undefined; a `!` would silence that and let an off-by-one run on
 * as `undefined` (NaN in arithmetic). `itemAt` checks instead, and fails at the faulty access with its index.
 */
export function itemAt<T>(xs: ArrayLike<T>, i: number): T;
export function itemAt<K extends PropertyKey, T>(xs: { readonly [k in K]?: T }, key: K): T;
export function itemAt<T>(xs: ArrayLike<T> | { readonly [k: PropertyKey]: T | undefined }, i: PropertyKey): T {
  const x = (xs as Record<PropertyKey, T | undefined>)[i];
  if (x === undefined) throw new RangeError(`no element at ${String(i)}`);
  return x;
}

/** A map entry that must exist: `map.get(key)` where the logic guarantees the key; fails naming the key. */
export function valueAt<K, V>(map: ReadonlyMap<K, V>, key: K): V {
  const v = map.get(key);
  if (v === undefined) throw new RangeError(`no entry for ${String(key)}`);
  return v;
}

/**
 * A value the logic guarantees is there (an optional field that a check upstream has seen set, a lookup of a key
 * taken from the same table): fails naming `what` instead of running on with `undefined`.
 */
export function present<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new RangeError(`${what} is missing`);
  return value;
}
