import { describe, expect, it } from 'vitest';
import { run, runAfterFix } from '../sample.js';
import { noTriggers } from './no-triggers.js';

const none = [{ delete: ['triggers'] }];

describe('no-triggers', () => {
  it('is silent when there are triggers', () => expect(run(noTriggers)).toEqual([]));
  it('reports prohibitions with no trigger at all', () =>
    expect(run(noTriggers, none).map((f) => f.args)).toEqual([{ count: 2 }]));
  it('is fixed by a trigger over every prohibition', () => expect(runAfterFix(noTriggers, none)).toEqual([]));
});
