// The war baseline's effect sizes (src/core/analysis/baseline.ts `baselineEvidence`), recomputed from the UCDP
// Conflict Termination dataset, dyadic, v2-2015 (examples/historical/data/ucdp-term-dyadic-2015.csv; Kreutz 2010).
// `npx tsx scripts/baseline-effects.ts`. test/baseline-effects.test.ts keeps the committed numbers equal to these.
//
// Unit: a dyadic episode (DyadEp) that ended in 1946-2011, so that three years of follow-up lie inside the data
// (which ends in 2014). Recurrence: an episode of the same conflict (ConflictId, any dyad) that starts 1 to 1,095
// days after this one ended. Ending: Outcome 3 or 4 is victory, 1, 2, 5 or 6 is no-victory (two rows carry only
// Outcome_early, which is used). Intensity: the highest IntensityLevel over the episode's years (2 war, 1 minor).
// The conflicts of the historical library are left out, so none of its outcomes enters an estimate.
import { readFileSync } from 'node:fs';
import type { Cell } from '../src/core/analysis/baseline.js';

export const dataFile = 'examples/historical/data/ucdp-term-dyadic-2015.csv';

/** UCDP conflict ids of the library's wars: Korea, Israel-Syria, Cyprus-Turkey, Eritrea-Ethiopia, Sri Lanka (LTTE),
 * Israel-Hezbollah, Georgia (South Ossetia), Colombia (FARC and the other Colombian dyads), Ukraine (the three
 * Donbas conflicts), Azerbaijan (Nagorno-Karabakh); and those of the held-out extension: Egypt-Israel (Suez/Sinai),
 * Iran-Iraq, Moldova (Dniestr), Rwanda, Bosnia-Herzegovina (Serbian Republic), Sierra Leone, Indonesia (Aceh),
 * Nepal. test/baseline-effects.test.ts checks that every conflict a package's `context` cites is here. */
export const libraryConflicts = new Set([
  '1-38',
  '1-106',
  '1-127',
  '1-215',
  '1-157',
  '1-251',
  '1-198',
  '1-92',
  '1-281',
  '1-282',
  '1-283',
  '1-193',
  '1-104',
  '1-128',
  '1-199',
  '1-179',
  '1-194',
  '1-187',
  '1-171',
  '1-72',
]);

/** RFC 4180 fields of one line (quoted fields may hold commas; the file has no line breaks inside fields). */
function fields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') ((cur += '"'), i++);
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') (out.push(cur), (cur = ''));
    else cur += c;
  }
  out.push(cur);
  return out;
}

/** The file mixes YYYY-MM-DD, YYYY/MM/DD and M/D/YY (years 46-99 are 19xx); anything after a space is a note. */
export function ucdpDay(s: string): number | undefined {
  const t = s.trim().split(' ')[0] ?? '';
  if (t === '' || t === '.' || t === '0') return undefined;
  let m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(t);
  if (m) return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000;
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{2})$/.exec(t);
  if (m) {
    const yy = Number(m[3]);
    return Date.UTC(yy >= 46 ? 1900 + yy : 2000 + yy, Number(m[1]) - 1, Number(m[2])) / 86_400_000;
  }
  throw new Error(`${dataFile}: unreadable date "${s}"`);
}

export interface Estimate {
  all: Cell;
  ending: { victory: Cell; 'no-victory': Cell };
  intensity: { war: Cell; minor: Cell };
  /** Ended episodes of the library's conflicts, left out. */
  leftOut: number;
}

export function estimate(text = readFileSync(dataFile, 'utf8')): Estimate {
  const lines = text.split(/\r?\n/).filter((l) => l !== '');
  const head = fields(lines[0] ?? '');
  const col = (name: string) => {
    const i = head.indexOf(name);
    if (i < 0) throw new Error(`${dataFile}: no column ${name}`);
    return i;
  };
  const c = {
    conflict: col('ConflictId'),
    episode: col('DyadEp'),
    start: col('StartDate2'),
    end: col('EpEndDate'),
    outcome: col('Outcome'),
    early: col('Outcome_early'),
    intensity: col('IntensityLevel'),
  };
  const episodes = new Map<
    string,
    { conflict: string; start?: number; end?: number; outcome?: number; intensity: number }
  >();
  for (const line of lines.slice(1)) {
    const f = fields(line);
    const at = (i: number) => f[i] ?? '';
    const id = at(c.episode);
    const e = episodes.get(id) ?? { conflict: at(c.conflict), start: ucdpDay(at(c.start)), intensity: 0 };
    e.intensity = Math.max(e.intensity, Number(at(c.intensity)));
    const end = ucdpDay(at(c.end));
    if (end !== undefined) {
      e.end = end;
      e.outcome = Number(at(c.outcome).trim() || at(c.early));
    }
    episodes.set(id, e);
  }
  const starts = new Map<string, number[]>();
  for (const e of episodes.values())
    if (e.start !== undefined) starts.set(e.conflict, [...(starts.get(e.conflict) ?? []), e.start]);
  const cell = (): Cell => ({ episodes: 0, recurred: 0 });
  const r: Estimate = {
    all: cell(),
    ending: { victory: cell(), 'no-victory': cell() },
    intensity: { war: cell(), minor: cell() },
    leftOut: 0,
  };
  const lastDay = Date.UTC(2011, 11, 31) / 86_400_000;
  for (const e of episodes.values()) {
    if (e.end === undefined || e.outcome === undefined || e.end > lastDay) continue;
    if (libraryConflicts.has(e.conflict)) {
      r.leftOut++;
      continue;
    }
    const end = e.end;
    const recurred = (starts.get(e.conflict) ?? []).some((s) => s - end > 0 && s - end <= 1095) ? 1 : 0;
    const add = (x: Cell) => ((x.episodes += 1), (x.recurred += recurred));
    add(r.all);
    add(e.outcome === 3 || e.outcome === 4 ? r.ending.victory : r.ending['no-victory']);
    add(e.intensity >= 2 ? r.intensity.war : r.intensity.minor);
  }
  return r;
}

if (process.argv[1]?.endsWith('baseline-effects.ts')) console.log(JSON.stringify(estimate(), null, 2));
