/** Number formats shared by the simulation report renderers. */
import type { Share } from '../experiment.js';

export const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
export const shareText = (s: Share) => `${pct(s.share)} [${pct(s.ci95.low)}-${pct(s.ci95.high)}]`;
export const num = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '-');
export const signed = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} pts`;
