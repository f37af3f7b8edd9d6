import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPackage } from '../spec/load.js';
import type { Package } from '../spec/schema.js';
import { DAY, HOUR } from '../spec/units.js';
import {
  acknowledgeTask,
  deliveredLate,
  deliverTask,
  escalateTask,
  expandActors,
  instantiateTasks,
  responsePlan,
  taskFallsDue,
  taskSchedule,
} from './response.js';

const example = loadPackage(readFileSync('examples/ukraine-2026.yaml', 'utf8'), { file: 'ukraine-2026.yaml' }).model!;
const plan = responsePlan(example);
const D = Date.UTC(2026, 6, 2, 9);
const hash = 'sha256:' + 'ab'.repeat(32);

describe('responses: instantiation', () => {
  it('expands groups in package order, each actor once', () => {
    expect(expandActors(example, 'guarantors')).toEqual(['FR', 'UK', 'DE', 'US']);
    expect(expandActors(example, 'parties')).toEqual(['UA', 'RU']);
    expect(expandActors(example, 'monitors')).toEqual(['CMM']);
    expect(expandActors(example, 'members')).toEqual(['FR', 'UK', 'DE', 'US', 'CMM']);
    expect(expandActors(example, ['UK', 'guarantors'])).toEqual(['UK', 'FR', 'DE', 'US']);
  });

  it('a serious declaration makes one task per action per actor, due at declaration + within (+ national decision unless automatic)', () => {
    const tasks = instantiateTasks(plan, { caseId: 'c', severity: 'serious', declaredAt: D });
    expect(tasks.map((t) => [t.actor, t.action, (t.dueAt! - D) / HOUR, t.material])).toEqual([
      ['CMM', 'public-report', 12, false],
      ['FR', 'consult', 24 + 72, false],
      ['UK', 'consult', 24 + 72, false],
      ['FR', 'sanctions-snapback', 7 * 24, true],
      ['UK', 'sanctions-snapback', 7 * 24, true],
      ['DE', 'sanctions-snapback', 7 * 24, true],
      ['US', 'sanctions-snapback', 7 * 24, true],
    ]);
    expect(new Set(tasks.map((t) => t.id)).size).toBe(7);
    expect(tasks.every((t) => t.status === 'open' && !t.overdue)).toBe(true);
  });

  it('a severity with no tier makes no tasks; a response with no `within` has no due time and no timers', () => {
    expect(instantiateTasks(plan, { caseId: 'c', severity: 'unknown', declaredAt: D })).toEqual([]);
    const pkg: Package = {
      ...example,
      responses: { minor: [{ by: 'FR', do: 'consult', automatic: true, upon: 'declaration' }] },
    };
    const p = responsePlan(pkg);
    const [t] = instantiateTasks(p, { caseId: 'c', severity: 'minor', declaredAt: D });
    expect(t!.dueAt).toBeNull();
    expect(taskSchedule(p, t!)).toEqual([]);
    expect(taskFallsDue(p, t!)).toBe(t);
  });
});

describe('responses: task life', () => {
  const [report, consultFR] = instantiateTasks(plan, { caseId: 'c', severity: 'serious', declaredAt: D });

  it('only the responsible actor may acknowledge or deliver', () => {
    expect(acknowledgeTask(consultFR!, 'UK', D + HOUR)).toMatchObject({ ok: false, code: 'not-yours' });
    expect(deliverTask(consultFR!, 'UK', D + HOUR, { note: 'x' })).toMatchObject({ ok: false, code: 'not-yours' });
  });

  it('open -> acknowledged -> delivered, with note and evidence hashes; no second delivery', () => {
    const a = acknowledgeTask(consultFR!, 'FR', D + HOUR);
    expect(a).toMatchObject({ ok: true, task: { status: 'acknowledged', acknowledgedAt: D + HOUR } });
    if (!a.ok) return;
    expect(acknowledgeTask(a.task, 'FR', D + 2 * HOUR)).toMatchObject({ ok: false, code: 'already-acknowledged' });
    const d = deliverTask(a.task, 'FR', D + 3 * HOUR, { note: 'consultations held in Paris', evidence: [hash] });
    expect(d).toMatchObject({
      ok: true,
      task: { status: 'delivered', deliveredAt: D + 3 * HOUR, acknowledgedAt: D + HOUR, evidence: [hash] },
    });
    if (!d.ok) return;
    expect(deliverTask(d.task, 'FR', D + 4 * HOUR, { note: 'again' })).toMatchObject({
      ok: false,
      code: 'already-delivered',
    });
    expect(acknowledgeTask(d.task, 'FR', D + 4 * HOUR)).toMatchObject({ ok: false, code: 'already-delivered' });
  });

  it('rejects an empty note and malformed evidence, naming the field', () => {
    expect(deliverTask(report!, 'CMM', D, { note: '  ' })).toMatchObject({
      ok: false,
      code: 'bad-note',
      message: expect.stringContaining('note'),
    });
    expect(deliverTask(report!, 'CMM', D, { note: 'ok', evidence: [hash, 'md5:abc'] })).toMatchObject({
      ok: false,
      code: 'bad-evidence',
      message: expect.stringContaining('evidence[1]'),
    });
  });

  it('delivered in time: the due time passes without a failure', () => {
    const d = deliverTask(report!, 'CMM', report!.dueAt!, { note: 'published' });
    if (!d.ok) throw new Error(d.message);
    expect(taskFallsDue(plan, d.task)).toBe(d.task);
    expect(deliveredLate(d.task)).toBe(false);
  });

  it('undelivered at the due time: overdue, a response failure recorded at the due time, escalation on schedule', () => {
    const sched = taskSchedule(plan, consultFR!);
    expect(sched.map((s) => [s.kind, (s.at - consultFR!.dueAt!) / HOUR, s.step])).toEqual([
      ['task-due', 0, undefined],
      ['task-escalation', 0, 0],
      ['task-escalation', 24, 1],
      ['task-escalation', 72, 2],
    ]);
    let t = taskFallsDue(plan, consultFR!);
    expect(t).toMatchObject({
      overdue: true,
      failure: { actor: 'FR', role: 'guarantor', action: 'consult', at: consultFR!.dueAt, material: false },
    });
    expect(taskFallsDue(plan, t)).toBe(t);
    t = escalateTask(plan, t, 0);
    t = escalateTask(plan, t, 0);
    t = escalateTask(plan, t, 1);
    t = escalateTask(plan, t, 2);
    expect(t.escalations.map((e) => [e.step, (e.at - t.dueAt!) / HOUR, e.level])).toEqual([
      ['reminder', 0, 0],
      ['escalate', 24, 1],
      ['public-mark', 72, 1],
    ]);
    expect(t.publicMarkAt).toBe(t.dueAt! + 72 * HOUR);
  });

  it('escalation stops once a late delivery arrives, and the failure stays on the record', () => {
    let t = escalateTask(plan, taskFallsDue(plan, consultFR!), 0);
    const d = deliverTask(t, 'FR', t.dueAt! + 2 * DAY, { note: 'late consultations' });
    if (!d.ok) throw new Error(d.message);
    t = escalateTask(plan, d.task, 2);
    expect(t.escalations.map((e) => e.step)).toEqual(['reminder']);
    expect(t.failure).toBeDefined();
    expect(deliveredLate(t)).toBe(true);
  });

  it('an escalation step does nothing to a task that is not overdue', () => {
    expect(escalateTask(plan, consultFR!, 0)).toBe(consultFR);
    expect(escalateTask(plan, taskFallsDue(plan, consultFR!), 9).escalations).toEqual([]);
  });
});
