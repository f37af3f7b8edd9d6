/**
 * Reference resolution over the raw document, so it runs even when other parts of the file are invalid and the
 * user sees every dangling reference in the same run as the type errors.
 */
import type { Diagnostic, Related } from '../diagnostics/diagnostic.js';
import { makeDiagnostic } from '../diagnostics/make.js';
import type { Path, SourceFile } from './source.js';
import { closest } from './suggest.js';
import { actorGroups } from './vocabulary.js';

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => x !== null && typeof x === 'object' && !Array.isArray(x);
const objAt = (x: unknown): Obj => (isObj(x) ? x : {});
const listAt = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);

interface Namespace {
  name: string;
  code: string;
  ids: Set<string>;
  declaredAt: (id: string) => Path;
  extra?: readonly string[];
}

export function checkReferences(raw: Obj, source: SourceFile): Diagnostic[] {
  const out: Diagnostic[] = [];
  const file = source.file;
  const actors = objAt(raw['actors']);
  const zones = objAt(raw['zones']);
  const prohibitions = objAt(raw['prohibitions']);
  const sustainment = objAt(raw['sustainment']);
  const requirements = objAt(sustainment['requirements']);
  const severities = listAt(raw['severities']).filter((s): s is string => typeof s === 'string');

  const ns = {
    actor: {
      name: 'actor',
      code: 'unknown-actor',
      ids: new Set(Object.keys(actors)),
      declaredAt: (id: string) => ['actors', id],
    },
    zone: {
      name: 'zone',
      code: 'unknown-zone',
      ids: new Set(Object.keys(zones)),
      declaredAt: (id: string) => ['zones', id],
    },
    prohibition: {
      name: 'prohibition',
      code: 'unknown-prohibition',
      ids: new Set(Object.keys(prohibitions)),
      declaredAt: (id: string) => ['prohibitions', id],
    },
    severity: {
      name: 'severity',
      code: 'unknown-severity',
      ids: new Set(severities),
      declaredAt: (id: string) => ['severities', severities.indexOf(id)],
    },
    requirement: {
      name: 'requirement',
      code: 'unknown-requirement',
      ids: new Set(Object.keys(requirements)),
      declaredAt: (id: string) => ['sustainment', 'requirements', id],
    },
  } satisfies Record<string, Namespace>;
  const actorOrGroup: Namespace = { ...ns.actor, extra: actorGroups };

  const check = (space: Namespace, value: unknown, path: Path) => {
    if (typeof value !== 'string') return;
    if (space.ids.has(value) || space.extra?.includes(value)) return;
    const candidates = [...space.ids, ...(space.extra ?? [])];
    const near = closest(value, candidates);
    const related: Related[] = [];
    if (near !== undefined && space.ids.has(near)) {
      related.push({ message: `\`${near}\` is declared here`, file, span: source.span(space.declaredAt(near), 'key') });
    }
    out.push(
      makeDiagnostic(
        space.code,
        file,
        source.span(path),
        {
          ref: value,
          suggestion: near === undefined ? '' : `; did you mean \`${near}\`?`,
          groups: actorGroups.join(', '),
        },
        related,
      ),
    );
  };
  const checkMany = (space: Namespace, value: unknown, path: Path) => {
    if (Array.isArray(value)) value.forEach((v, i) => check(space, v, [...path, i]));
    else check(space, value, path);
  };
  const zoneKind = (id: unknown): string | undefined =>
    typeof id === 'string' && isObj(zones[id]) ? String(zones[id]['kind']) : undefined;
  const needLine = (value: unknown, path: Path, field: string) => {
    const kind = zoneKind(value);
    if (kind !== undefined && kind !== 'line') {
      out.push(
        makeDiagnostic(
          'wrong-zone-kind',
          file,
          source.span(path),
          { ref: String(value), kind: withArticle(kind), field, expected: 'a line' },
          [
            {
              message: `\`${String(value)}\` is declared here`,
              file,
              span: source.span(['zones', String(value)], 'key'),
            },
          ],
        ),
      );
    }
  };

  for (const [id, a] of Object.entries(actors)) {
    checkMany(ns.actor, objAt(a)['contributors'], ['actors', id, 'contributors']);
    checkMany(ns.actor, objAt(a)['members'], ['actors', id, 'members']);
  }

  for (const [id, zv] of Object.entries(zones)) {
    const z = objAt(zv);
    const p = ['zones', id];
    if (z['kind'] === 'buffer') {
      check(ns.zone, z['around'], [...p, 'around']);
      if (z['around'] === id)
        out.push(makeDiagnostic('self-reference', file, source.span([...p, 'around']), { zone: id }));
      else needLine(z['around'], [...p, 'around'], 'around');
    }
    if (z['kind'] === 'airspace' && z['over'] !== undefined) {
      check(ns.zone, z['over'], [...p, 'over']);
      if (z['over'] === id) out.push(makeDiagnostic('self-reference', file, source.span([...p, 'over']), { zone: id }));
    }
    if (z['kind'] === 'line' && isObj(z['sides'])) {
      for (const s of ['left', 'right']) check(ns.actor, z['sides'][s], [...p, 'sides', s]);
    }
    if (z['kind'] === 'area' && z['geometry'] === undefined && z['regions'] === undefined) {
      out.push(
        makeDiagnostic('zone-needs-geometry', file, source.span(p, 'key'), {
          zone: id,
          reason: 'an area needs `geometry` or `regions`',
        }),
      );
    }
    if (z['kind'] === 'area' && z['geometry'] !== undefined && z['regions'] !== undefined) {
      out.push(
        makeDiagnostic('zone-needs-geometry', file, source.span([...p, 'regions'], 'key'), {
          zone: id,
          reason: 'give `geometry` or `regions`, not both',
        }),
      );
    }
    if (z['kind'] === 'airspace' && (z['over'] === undefined) === (z['geometry'] === undefined)) {
      out.push(
        makeDiagnostic('zone-needs-geometry', file, source.span(p, 'key'), {
          zone: id,
          reason: 'an airspace needs exactly one of `over` or `geometry`',
        }),
      );
    }
    if (z['kind'] === 'area' && Array.isArray(z['regions']) && raw['regions'] === undefined) {
      out.push(makeDiagnostic('regions-not-declared', file, source.span([...p, 'regions'], 'key'), { zone: id }));
    }
  }

  listAt(raw['control']).forEach((cv, i) => {
    const c = objAt(cv);
    check(ns.zone, c['zone'], ['control', i, 'zone']);
    for (const f of ['governs', 'polices', 'secures', 'monitors']) checkMany(actorOrGroup, c[f], ['control', i, f]);
  });

  for (const [id, pv] of Object.entries(prohibitions)) {
    const pr = objAt(pv);
    const p = ['prohibitions', id];
    checkMany(ns.actor, pr['binds'], [...p, 'binds']);
    checkMany(ns.zone, pr['inside'], [...p, 'inside']);
    check(ns.zone, pr['across'], [...p, 'across']);
    needLine(pr['across'], [...p, 'across'], 'across');
    checkMany(ns.zone, pr['except'], [...p, 'except']);
    check(ns.prohibition, pr['follows'], [...p, 'follows']);
    if (pr['follows'] === id)
      out.push(
        makeDiagnostic('bad-structure', file, source.span([...p, 'follows']), {
          field: 'follows',
          reason: 'a prohibition cannot follow itself',
        }),
      );
    const acts = listAt(pr['activities']);
    if (pr['limit'] !== undefined && !acts.includes('troop-presence') && !acts.includes('heavy-weapon-presence')) {
      out.push(
        makeDiagnostic('bad-structure', file, source.span([...p, 'limit'], 'key'), {
          field: 'limit',
          reason:
            'a limit counts forces present, so the prohibition needs `troop-presence` or `heavy-weapon-presence` among its activities',
        }),
      );
    }
  }

  for (const [id, sv] of Object.entries(objAt(raw['verification']))) {
    const s = objAt(sv);
    check(ns.actor, s['operator'], ['verification', id, 'operator']);
    checkMany(ns.zone, s['covers'], ['verification', id, 'covers']);
  }

  const seenSeverity = new Set<string>();
  severities.forEach((s) => {
    if (seenSeverity.has(s)) {
      const idx = listAt(raw['severities']).lastIndexOf(s);
      out.push(makeDiagnostic('duplicate-severity', file, source.span(['severities', idx]), { ref: s }));
    }
    seenSeverity.add(s);
  });

  for (const [id, tv] of Object.entries(objAt(raw['triggers']))) {
    const t = objAt(tv);
    checkMany(ns.prohibition, t['on'], ['triggers', id, 'on']);
    check(ns.severity, t['severity'], ['triggers', id, 'severity']);
    if (isObj(t['wakes'])) {
      const w = t['wakes'];
      check(ns.prohibition, w['on-lapse-of'], ['triggers', id, 'wakes', 'on-lapse-of']);
      if (['at', 'held', 'on-lapse-of'].filter((k) => w[k] !== undefined).length !== 1) {
        out.push(
          makeDiagnostic('bad-structure', file, source.span(['triggers', id, 'wakes'], 'key'), {
            field: 'wakes',
            reason: 'give exactly one of `at`, `held` or `on-lapse-of`',
          }),
        );
      }
    }
  }

  if (isObj(raw['judgment'])) {
    const j = raw['judgment'];
    checkMany(ns.actor, j['members'], ['judgment', 'members']);
    if (isObj(j['rule'])) checkMany(ns.actor, j['rule']['veto'], ['judgment', 'rule', 'veto']);
    if (Array.isArray(j['recuse'])) checkMany(ns.actor, j['recuse'], ['judgment', 'recuse']);
    const tb = j['tie-break'];
    if (typeof tb === 'string' && tb !== 'declare' && tb !== 'dismiss') check(ns.actor, tb, ['judgment', 'tie-break']);
    listAt(j['before']).forEach((st, i) => checkMany(actorOrGroup, objAt(st)['by'], ['judgment', 'before', i, 'by']));
  }
  if (isObj(raw['term'])) {
    checkMany(actorOrGroup, raw['term']['by'], ['term', 'by']);
    checkMany(ns.actor, raw['term']['veto'], ['term', 'veto']);
  }

  for (const [sev, list] of Object.entries(objAt(raw['responses']))) {
    if (!ns.severity.ids.has(sev)) {
      const near = closest(sev, ns.severity.ids);
      out.push(
        makeDiagnostic('unknown-severity', file, source.span(['responses', sev], 'key'), {
          ref: sev,
          suggestion: near === undefined ? '' : `; did you mean \`${near}\`?`,
        }),
      );
    }
    listAt(list).forEach((rv, i) => checkMany(actorOrGroup, objAt(rv)['by'], ['responses', sev, i, 'by']));
  }

  for (const [id, rv] of Object.entries(requirements)) amountOrQuantity(rv, ['sustainment', 'requirements', id], id);
  listAt(sustainment['commitments']).forEach((cv, i) => {
    const c = objAt(cv);
    const p = ['sustainment', 'commitments', i];
    check(ns.actor, c['by'], [...p, 'by']);
    check(ns.requirement, c['provides'], [...p, 'provides']);
    amountOrQuantity(cv, p, `commitment ${i + 1}`);
    // A level (a standing force) is met only by levels, and a flow only by flows.
    const req = typeof c['provides'] === 'string' ? objAt(requirements[c['provides']]) : {};
    if (req['per'] !== undefined && c['per'] !== undefined && (req['per'] === 'level') !== (c['per'] === 'level')) {
      out.push(
        makeDiagnostic('bad-structure', file, source.span([...p, 'per']), {
          field: 'per',
          reason: `requirement \`${String(c['provides'])}\` is ${req['per'] === 'level' ? 'a level to sustain, so its commitments are `per: level`' : `per ${String(req['per'])}, a flow, which a level cannot meet`}`,
        }),
      );
    }
    if (typeof c['from'] === 'string' && typeof c['until'] === 'string' && c['until'] < c['from']) {
      out.push(
        makeDiagnostic('dates-out-of-order', file, source.span([...p, 'until']), {
          field: 'until',
          value: c['until'],
          other: `from (${c['from']})`,
        }),
      );
    }
  });

  function amountOrQuantity(v: unknown, path: Path, clause: string) {
    const o = objAt(v);
    if ((o['amount'] === undefined) === (o['quantity'] === undefined)) {
      out.push(makeDiagnostic('amount-or-quantity', file, source.span(path, 'key'), { clause }));
    }
  }
  return out;
}

function withArticle(word: string): string {
  return /^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`;
}
