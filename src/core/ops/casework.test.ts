import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPackage } from '../spec/load.js';
import type { Package } from '../spec/schema.js';
import { HOUR } from '../spec/units.js';
import { casePlans, fireTimer, MemoryCasework, openCase, voteOnCase } from './casework.js';
import { ManualClock } from './clock.js';

const example = loadPackage(readFileSync('examples/ukraine-2026.yaml', 'utf8'), { file: 'ukraine-2026.yaml' }).model!;
const T0 = Date.UTC(2026, 6, 1);

describe('casework', () => {
  it('`upon: trigger` responses start with the case and survive a dismissal; `upon: declaration` ones wait for it', () => {
    const pkg: Package = {
      ...example,
      responses: {
        serious: [
          { by: 'US', do: 'intelligence-support', within: 24 * HOUR, automatic: true, upon: 'trigger' },
          { by: 'guarantors', do: 'sanctions', within: 7 * 24 * HOUR, automatic: true, upon: 'declaration' },
        ],
      },
    };
    const plans = casePlans(pkg);
    const opened = openCase(plans, { caseId: 'c', severity: 'serious', openedAt: T0 });
    expect(opened.file.tasks.map((t) => [t.actor, t.action, t.dueAt! - T0])).toEqual([
      ['US', 'intelligence-support', 24 * HOUR],
    ]);
    expect(opened.timers.map((t) => t.key)).toEqual(['judgment:c', 'due:c/serious/0/US']);
    // Falling due schedules the first escalation step; each step schedules the next.
    const due = fireTimer(plans, opened.file, opened.timers[1]!);
    expect(due.timers.map((t) => [t.key, t.at - T0])).toEqual([['escalation:c/serious/0/US:0', 24 * HOUR]]);
    const step0 = fireTimer(plans, due.file, due.timers[0]!);
    expect(step0.timers.map((t) => [t.key, t.at - T0])).toEqual([['escalation:c/serious/0/US:1', 48 * HOUR]]);
    const step2 = fireTimer(plans, fireTimer(plans, step0.file, step0.timers[0]!).file, {
      key: 'escalation:c/serious/0/US:2',
      kind: 'task-escalation',
      at: T0 + 96 * HOUR,
      caseId: 'c',
      taskId: 'c/serious/0/US',
      step: 2,
    });
    expect(step2.timers).toEqual([]);
    expect(step2.file.tasks[0]!.escalations.map((e) => e.step)).toEqual(['reminder', 'escalate', 'public-mark']);
    let file = opened.file;
    for (const [m, h] of [
      ['FR', 1],
      ['UK', 2],
      ['DE', 3],
    ] as const)
      file = voteOnCase(plans, file, { member: m, choice: 'dismiss', at: T0 + h * HOUR }).file;
    expect(file.judgment.outcome?.result).toBe('dismissed');
    expect(file.tasks).toHaveLength(1);

    let declared = { file: opened.file, timers: opened.timers };
    for (const [i, m] of ['FR', 'UK', 'DE'].entries())
      declared = voteOnCase(plans, declared.file, { member: m, choice: 'declare', at: T0 + (i + 1) * HOUR });
    expect(declared.file.tasks.map((t) => [t.actor, t.upon])).toEqual([
      ['US', 'trigger'],
      ['FR', 'declaration'],
      ['UK', 'declaration'],
      ['DE', 'declaration'],
      ['US', 'declaration'],
    ]);
    expect(declared.timers.filter((t) => t.kind === 'task-due').map((t) => t.at - T0)).toEqual([
      3 * HOUR + 7 * 24 * HOUR,
      3 * HOUR + 7 * 24 * HOUR,
      3 * HOUR + 7 * 24 * HOUR,
      3 * HOUR + 7 * 24 * HOUR,
    ]);
    // The deadline timer after a declaration changes nothing and creates no second set of tasks.
    const again = fireTimer(plans, declared.file, {
      key: 'judgment:c',
      kind: 'judgment-deadline',
      at: T0 + 48 * HOUR,
      caseId: 'c',
    });
    expect(again.file.tasks).toHaveLength(5);
    expect(again.timers).toEqual([]);
  });

  it('a package without a judgment clause: the case lapses at once and votes are rejected', () => {
    const { judgment: _, ...rest } = example;
    const plans = casePlans(rest as Package);
    const step = openCase(plans, { caseId: 'c', severity: 'serious', openedAt: T0 });
    expect(step.file.judgment.outcome).toMatchObject({ result: 'defaulted', reason: 'no-judgment' });
    expect(step.timers).toEqual([]);
    const v = voteOnCase(plans, step.file, { member: 'FR', choice: 'declare', at: T0 + 1 });
    expect(v).toMatchObject({ ok: false, rejection: { code: 'not-a-member' } });
    expect(v.file.judgment.rejections).toHaveLength(1);
  });

  it('a default declaration starts the tasks at the deadline instant, even when the timer runs late', () => {
    const clock = new ManualClock(T0);
    const work = new MemoryCasework(casePlans(example), clock);
    work.open({ caseId: 'c', severity: 'minor' });
    clock.set(T0 + 100 * HOUR);
    work.tick();
    const f = work.get('c')!;
    expect(f.judgment.outcome).toMatchObject({ result: 'defaulted', default: 'declare', at: T0 + 48 * HOUR });
    expect(f.tasks.map((t) => [t.actor, t.action, (t.dueAt! - T0) / HOUR, t.overdue])).toEqual([
      ['CMM', 'public-report', 48 + 24, true],
      ['FR', 'consult', 48 + 72 + 72, false],
      ['UK', 'consult', 48 + 72 + 72, false],
      ['DE', 'consult', 48 + 72 + 72, false],
      ['US', 'consult', 48 + 72 + 72, false],
      ['FR', 'sanctions', 48 + 30 * 24 + 72, false],
      ['UK', 'sanctions', 48 + 30 * 24 + 72, false],
      ['DE', 'sanctions', 48 + 30 * 24 + 72, false],
      ['US', 'sanctions', 48 + 30 * 24 + 72, false],
    ]);
    expect(() => work.open({ caseId: 'c', severity: 'minor' })).toThrow(/already open/);
  });
});
