import { describe, expect, it } from 'vitest';
import { RecentRecords } from './recent-records.js';

describe('RecentRecords', () => {
  it('answers only at the remembered revision and forgets the oldest past its limit', () => {
    const r = new RecentRecords<{ id: string; revision: number; v: string }>(2);
    r.remember([
      { id: 'a', revision: 1, v: 'a1' },
      { id: 'b', revision: 1, v: 'b1' },
    ]);
    expect(r.at('a', 1)?.v).toBe('a1');
    expect(r.at('a', 2)).toBeUndefined();
    r.remember([{ id: 'a', revision: 2, v: 'a2' }]); // a moves to the end
    r.remember([{ id: 'c', revision: 1, v: 'c1' }]); // b, now the oldest, goes
    expect(r.at('a', 2)?.v).toBe('a2');
    expect(r.at('b', 1)).toBeUndefined();
    expect(r.at('c', 1)?.v).toBe('c1');
  });
});
