import { describe, expect, it } from 'vitest';
import { run, runAfterFix } from '../sample.js';
import { countWithoutWindow } from './count-without-window.js';

const open = [{ delete: ['triggers', 'fire', 'within'] }];

describe('count-without-window', () => {
  it('is silent when a count has its window, and for single-event triggers', () =>
    expect(run(countWithoutWindow)).toEqual([]));
  it('reports a count with no window', () =>
    expect(run(countWithoutWindow, open).map((f) => [f.path, f.args])).toEqual([
      [['triggers', 'fire', 'count'], { trigger: 'fire', count: 2 }],
    ]));
  it('is fixed by a window', () => expect(runAfterFix(countWithoutWindow, open)).toEqual([]));
});
