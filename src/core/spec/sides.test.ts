// Sides: whom a guarantee protects and against whom, read from the package (never from the order of the actors
// alone unless the text cannot tell, and then said so).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPackageAt as loadPackageFile } from '../../../test/support/package-file.js';
import type { Package } from './schema.js';
import { adversaryOf, protectedAgainst, sidesOf } from './sides.js';

const load = (...p: string[]) => loadPackageFile(join('examples', ...p)).model!;
const example = load('ukraine-2026.yaml');

describe('sides of a package', () => {
  it('reads the protected state from its role and the adversary from the bound party opposite it', () => {
    expect(sidesOf(example)).toMatchObject({ protected: ['UA'], protectedBasis: 'role' });
    expect(adversaryOf(example)).toMatchObject({ adversary: 'RU', basis: 'only-candidate' });
    expect(protectedAgainst(example, 'RU')).toEqual(['UA']);
    // The protected state as the violator: nobody else is protected, so nothing protects against it.
    expect(protectedAgainst(example, 'UA')).toEqual([]);
  });

  it('does not take the first party in the file when the protected state is listed first', () => {
    const p: Package = structuredClone(example);
    p.actors = { RU2: { name: 'Another party', role: 'party' }, ...p.actors };
    p.prohibitions['no-fire']!.binds = ['UA', 'RU', 'RU2'];
    // RU holds the other side of the contact line from UA; RU2 is bound but the package does not say it faces UA.
    expect(adversaryOf(p)).toMatchObject({ adversary: 'RU', basis: 'opposed-on-line' });
  });

  it('treats a package with several bound parties and no protected state as reciprocal', () => {
    const minsk = load('historical', 'minsk-ii-2015.yaml');
    expect(sidesOf(minsk)).toMatchObject({ protected: ['UA', 'DPR', 'LPR'], protectedBasis: 'reciprocal' });
    expect(protectedAgainst(minsk, 'DPR')).toEqual(['UA', 'LPR']);
    // Three bound parties, one line between UA and DPR: DPR faces a protected party, but so does UA; the text does
    // not single one out, and the choice is flagged as a default.
    const c = adversaryOf(minsk);
    expect(c.basis).toBe('first-candidate');
    expect(c.candidates.slice(0, 2).sort()).toEqual(['DPR', 'UA']);
  });

  it('protects the guarantors themselves under collective defence', () => {
    const nato = load('historical', 'nato-1949.yaml');
    expect(sidesOf(nato).protectedBasis).toBe('collective');
    expect(sidesOf(nato).protected).toContain('US');
    expect(adversaryOf(nato)).toMatchObject({ adversary: 'attacker', basis: 'only-candidate' });
  });

  it('prefers a bound party to a bound guarantor, and says when the text cannot tell the candidates apart', () => {
    const korea = load('historical', 'korea-1953.yaml');
    const c = adversaryOf(korea);
    expect(c.basis).toBe('first-candidate');
    expect(c.candidates).toEqual(['UNC', 'KPA', 'CPV']);
    // Budapest binds only guarantors (RU, UK, US): they are the candidates.
    expect(adversaryOf(load('historical', 'budapest-1994.yaml')).candidates).toEqual(['RU', 'UK', 'US']);
    expect(adversaryOf(korea, 'KPA')).toMatchObject({ adversary: 'KPA', basis: 'named' });
  });
});
