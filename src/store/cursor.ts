/**
 * Opaque page cursors. A cursor names the last row of a page by its `seq` (insertion order), so pages are stable
 * while new rows arrive: they land after the cursor. Clients must treat the text as opaque; it is versioned so the
 * encoding can change without misreading old cursors.
 */
import { StoreQueryError } from '../core/ports/store.js';

/** `newest`: a cursor of a newest-first page, which an oldest-first list refuses (and the other way round). */
export function encodeCursor(seq: number, newest = false): string {
  return Buffer.from(`${newest ? 'v1n' : 'v1'}:${seq}`).toString('base64url');
}

/** The seq after which the page starts (before which, newest first): 0 without a cursor. */
export function decodeCursor(cursor: string | undefined, newest = false): number {
  if (cursor === undefined || cursor === '') return 0;
  const text = /^[A-Za-z0-9_-]{1,40}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString() : '';
  const m = (newest ? /^v1n:(\d{1,15})$/ : /^v1:(\d{1,15})$/).exec(text);
  if (!m)
    throw new StoreQueryError(
      'cursor',
      'is not a cursor this server issued (pass the `next` of a previous page unchanged)',
    );
  return Number(m[1]);
}
