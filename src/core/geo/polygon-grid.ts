/**
 * Point in polygon for many polygons at once, exact, in constant time for most points and without allocation.
 *
 * Polygons are sets of rings under the even-odd rule (a hole is a ring inside a ring; a MultiPolygon's parts do not
 * overlap), with edges straight in longitude/latitude (RFC 7946 §3.1.1), as in Turf's booleanPointInPolygon.
 *
 * A uniform grid covers the polygons' extent. For each cell the build stores:
 * - `mask`: one parity bit per polygon for the crossings of the cell's bottom line (y = rowY[r]) strictly east of
 *   the cell, i.e. the inside/outside state, per polygon, of the cell's bottom-right corner;
 * - the crossings of its bottom line that fall inside the cell (x and polygon);
 * - the edges that meet the cell.
 * A query at P = (px, py) walks from P straight down to the bottom line and then east along it to infinity, and
 * counts boundary crossings on that path: the east part is the mask plus the cell's own crossings with x ≥ px, the
 * vertical part is the cell's edges that cross x = px between the bottom line and P. Both parts use one symbolic
 * perturbation (the path runs at x = px − ε and y = rowY + ε', ε' ≪ ε), and the crossing abscissa is computed by the
 * same expression at build and at query, so a crossing is never counted twice or missed, even through a vertex.
 * Only points within floating-point rounding of an edge (about 1e-9 m) can be misclassified: the tolerance band.
 */

export interface PolygonGridOptions {
  /** Grid cells to aim for; default two per edge, at least 1,024; at most 2^21. */
  targetCells?: number;
  /**
   * A fixed grid instead: its extent and cell counts. The extent is widened when it does not contain every edge.
   * For tests that put vertices exactly on grid lines, and for aligning grids.
   */
  layout?: { x0: number; y0: number; x1: number; y1: number; nx: number; ny: number };
}

/** The abscissa where an edge crosses the horizontal line y: one expression used by build and query alike. */
function xcross(ax: number, ay: number, bx: number, by: number, y: number): number {
  return ax + ((y - ay) * (bx - ax)) / (by - ay);
}

export class PolygonGrid {
  readonly polygonCount: number;
  /** 32-bit words in a result: polygon p is bit (p & 31) of word (p >> 5). */
  readonly words: number;
  readonly edgeCount: number;
  readonly cellsX: number;
  readonly cellsY: number;

  private readonly x0: number;
  private readonly y0: number;
  private readonly cw: number;
  private readonly ch: number;
  private readonly colX: Float64Array;
  private readonly rowY: Float64Array;
  private readonly ex0: Float64Array;
  private readonly ey0: Float64Array;
  private readonly ex1: Float64Array;
  private readonly ey1: Float64Array;
  private readonly epoly: Int32Array;
  private readonly edgeStart: Int32Array;
  private readonly cellEdges: Int32Array;
  private readonly crossStart: Int32Array;
  private readonly crossX: Float64Array;
  private readonly crossPoly: Int32Array;
  private readonly mask: Int32Array;
  private readonly p = new Float64Array(2);

  /** `polygons[p]` is the list of rings of polygon p, each a closed flat [lon, lat, ...] array. */
  constructor(polygons: readonly (readonly Float64Array[])[], options: PolygonGridOptions = {}) {
    this.polygonCount = polygons.length;
    const W = Math.max(1, Math.ceil(polygons.length / 32));
    this.words = W;

    // Edges, skipping repeated positions.
    let total = 0;
    for (const rings of polygons) for (const r of rings) total += Math.max(0, r.length / 2 - 1);
    const ex0 = new Float64Array(total);
    const ey0 = new Float64Array(total);
    const ex1 = new Float64Array(total);
    const ey1 = new Float64Array(total);
    const epoly = new Int32Array(total);
    let E = 0;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    polygons.forEach((rings, p) => {
      for (const r of rings) {
        for (let i = 0; i + 1 < r.length / 2; i++) {
          const ax = r[i * 2]!;
          const ay = r[i * 2 + 1]!;
          const bx = r[i * 2 + 2]!;
          const by = r[i * 2 + 3]!;
          if (ax === bx && ay === by) continue;
          ex0[E] = ax;
          ey0[E] = ay;
          ex1[E] = bx;
          ey1[E] = by;
          epoly[E] = p;
          E++;
          minX = Math.min(minX, ax, bx);
          maxX = Math.max(maxX, ax, bx);
          minY = Math.min(minY, ay, by);
          maxY = Math.max(maxY, ay, by);
        }
      }
    });
    this.edgeCount = E;
    this.ex0 = ex0;
    this.ey0 = ey0;
    this.ex1 = ex1;
    this.ey1 = ey1;
    this.epoly = epoly;
    if (E === 0) {
      minX = minY = 0;
      maxX = maxY = 1;
    }
    // A margin keeps every edge strictly inside the grid.
    const mx = (maxX - minX) * 1e-6 + 1e-6;
    const my = (maxY - minY) * 1e-6 + 1e-6;
    const lay = options.layout;
    const x0 = lay ? Math.min(lay.x0, minX - mx) : minX - mx;
    const y0 = lay ? Math.min(lay.y0, minY - my) : minY - my;
    const spanX = (lay ? Math.max(lay.x1, maxX + mx) : maxX + mx) - x0;
    const spanY = (lay ? Math.max(lay.y1, maxY + my) : maxY + my) - y0;
    const target = Math.min(1 << 21, Math.max(1, options.targetCells ?? Math.max(1024, 2 * E)));
    const aspect = (spanX * Math.cos((((minY + maxY) / 2) * Math.PI) / 180)) / spanY;
    const nx = lay ? Math.max(1, Math.floor(lay.nx)) : Math.max(1, Math.round(Math.sqrt(target * aspect)));
    const ny = lay ? Math.max(1, Math.floor(lay.ny)) : Math.max(1, Math.round(target / nx));
    this.cellsX = nx;
    this.cellsY = ny;
    this.x0 = x0;
    this.y0 = y0;
    this.cw = spanX / nx;
    this.ch = spanY / ny;
    this.colX = new Float64Array(nx + 1);
    this.rowY = new Float64Array(ny + 1);
    for (let i = 0; i <= nx; i++) this.colX[i] = x0 + i * this.cw;
    for (let j = 0; j <= ny; j++) this.rowY[j] = y0 + j * this.ch;
    const cells = nx * ny;

    // Edges meeting each cell (conservatively: a little extra is harmless, a missing edge is not), and the
    // crossings of each row's bottom line, by cell. Two passes each: count, then fill (compressed rows).
    const edgeStart = new Int32Array(cells + 1);
    const crossStart = new Int32Array(cells + 1);
    this.scan(0, edgeStart, crossStart, null, null, null, null);
    for (let i = 0; i < cells; i++) {
      edgeStart[i + 1]! += edgeStart[i]!;
      crossStart[i + 1]! += crossStart[i]!;
    }
    const cellEdges = new Int32Array(edgeStart[cells]!);
    const crossX = new Float64Array(crossStart[cells]!);
    const crossPoly = new Int32Array(crossStart[cells]!);
    const parity = new Int32Array(cells * W);
    this.scan(1, edgeStart.slice(0, cells), crossStart.slice(0, cells), cellEdges, crossX, crossPoly, parity);
    this.edgeStart = edgeStart;
    this.cellEdges = cellEdges;
    // Masks: sweep each row from the east, accumulating the parity of the crossings in the cells passed.
    const mask = new Int32Array(cells * W);
    for (let r = 0; r < ny; r++) {
      for (let w = 0; w < W; w++) {
        let acc = 0;
        for (let c = nx - 1; c >= 0; c--) {
          const cell = r * nx + c;
          mask[cell * W + w] = acc;
          acc ^= parity[cell * W + w]!;
        }
      }
    }
    this.crossStart = crossStart;
    this.crossX = crossX;
    this.crossPoly = crossPoly;
    this.mask = mask;
  }

  /**
   * Visits every (edge, cell) pair and every (edge, bottom-line crossing). Pass 0 counts into the start arrays;
   * pass 1 fills, using the start arrays as cursors.
   */
  private scan(
    pass: 0 | 1,
    edgeAt: Int32Array,
    crossAt: Int32Array,
    cellEdges: Int32Array | null,
    crossX: Float64Array | null,
    crossPoly: Int32Array | null,
    parity: Int32Array | null,
  ): void {
    const m = 1e-7;
    const nx = this.cellsX;
    const ny = this.cellsY;
    const W = this.words;
    const rowY = this.rowY;
    for (let e = 0; e < this.edgeCount; e++) {
      const ax = this.ex0[e]!;
      const ay = this.ey0[e]!;
      const bx = this.ex1[e]!;
      const by = this.ey1[e]!;
      const lo = ay < by ? ay : by;
      const hi = ay < by ? by : ay;
      const r0 = this.rowClamp(lo - m);
      const r1 = this.rowClamp(hi + m);
      for (let r = r0; r <= r1; r++) {
        let xa = ax;
        let xb = bx;
        if (ay !== by) {
          const ya = Math.max(lo, rowY[r]! - m);
          const yb = Math.min(hi, rowY[r + 1]! + m);
          xa = ax + ((ya - ay) * (bx - ax)) / (by - ay);
          xb = ax + ((yb - ay) * (bx - ax)) / (by - ay);
        }
        const c0 = this.colClamp((xa < xb ? xa : xb) - m);
        const c1 = this.colClamp((xa < xb ? xb : xa) + m);
        for (let c = c0; c <= c1; c++) {
          const cell = r * nx + c;
          if (pass === 0) edgeAt[cell + 1]!++;
          else cellEdges![edgeAt[cell]!++] = e;
        }
      }
      if (ay === by) continue;
      const q0 = Math.max(0, r0 - 1);
      const q1 = Math.min(ny - 1, r1 + 1);
      const p = this.epoly[e]!;
      for (let r = q0; r <= q1; r++) {
        const y = rowY[r]!;
        if (ay > y === by > y) continue;
        const x = xcross(ax, ay, bx, by, y);
        const cell = r * nx + this.colOf(x);
        if (pass === 0) crossAt[cell + 1]!++;
        else {
          const k = crossAt[cell]!++;
          crossX![k] = x;
          crossPoly![k] = p;
          parity![cell * W + (p >> 5)]! ^= 1 << (p & 31);
        }
      }
    }
  }

  private rowClamp(y: number): number {
    const r = Math.floor((y - this.y0) / this.ch);
    return r < 0 ? 0 : r >= this.cellsY ? this.cellsY - 1 : r;
  }

  private colClamp(x: number): number {
    const c = Math.floor((x - this.x0) / this.cw);
    return c < 0 ? 0 : c >= this.cellsX ? this.cellsX - 1 : c;
  }

  /** The column c with colX[c] <= x < colX[c + 1] (clamped), exactly by the stored boundaries. */
  private colOf(x: number): number {
    let c = this.colClamp(x);
    while (c > 0 && x < this.colX[c]!) c--;
    while (c < this.cellsX - 1 && x >= this.colX[c + 1]!) c++;
    return c;
  }

  /**
   * Writes into `out` (length `words`) one bit per polygon: set when (px, py) is inside. A point outside the grid,
   * or NaN, is inside nothing.
   */
  contains(px: number, py: number, out: Int32Array): void {
    this.p[0] = px;
    this.p[1] = py;
    this.containsPoint(this.p, out);
  }

  /**
   * `contains` for the point (p[0], p[1]). Callers in hot loops pass coordinates this way: V8 boxes a double
   * argument of a call it does not inline, which would allocate on every query.
   */
  containsPoint(p: Float64Array, out: Int32Array): void {
    const px = p[0]!;
    const py = p[1]!;
    const W = this.words;
    const nx = this.cellsX;
    const colX = this.colX;
    const rowY = this.rowY;
    if (!(px >= colX[0]! && px < colX[nx]! && py >= rowY[0]! && py < rowY[this.cellsY]!)) {
      for (let w = 0; w < W; w++) out[w] = 0;
      return;
    }
    let c = Math.floor((px - this.x0) / this.cw);
    let r = Math.floor((py - this.y0) / this.ch);
    // The division may round across a boundary; the stored boundaries decide.
    if (c >= nx) c = nx - 1;
    if (r >= this.cellsY) r = this.cellsY - 1;
    if (px < colX[c]!) c--;
    else if (px >= colX[c + 1]!) c++;
    if (py < rowY[r]!) r--;
    else if (py >= rowY[r + 1]!) r++;
    const cell = r * nx + c;
    for (let w = 0; w < W; w++) out[w] = this.mask[cell * W + w]!;

    const ce = this.crossStart[cell + 1]!;
    for (let k = this.crossStart[cell]!; k < ce; k++) {
      if (this.crossX[k]! >= px) {
        const p = this.crossPoly[k]!;
        out[p >> 5]! ^= 1 << (p & 31);
      }
    }

    const yr = rowY[r]!;
    const ee = this.edgeStart[cell + 1]!;
    for (let k = this.edgeStart[cell]!; k < ee; k++) {
      const e = this.cellEdges[k]!;
      const ax = this.ex0[e]!;
      const bx = this.ex1[e]!;
      // Does the edge span the vertical line x = px − ε?
      if (ax < px === bx < px) continue;
      const ay = this.ey0[e]!;
      const by = this.ey1[e]!;
      const aAbove = ay > yr;
      const bAbove = by > yr;
      if (!aAbove && !bAbove) continue;
      if (aAbove !== bAbove) {
        // The edge crosses the bottom line at xc; it is above the line at px − ε on its upper end's side of xc.
        // Which side that is comes from the end points, not from comparing an end with xc, which may round onto it.
        const xc = xcross(ax, ay, bx, by, yr);
        const upperRight = aAbove ? ax > bx : bx > ax;
        if (upperRight ? !(px > xc) : !(px <= xc)) continue;
      }
      // The edge is above the bottom line at px; it crosses the path when P is on or above it.
      const cross =
        ax < bx ? (bx - ax) * (py - ay) - (by - ay) * (px - ax) : (ax - bx) * (py - by) - (ay - by) * (px - bx);
      if (cross >= 0) {
        const p = this.epoly[e]!;
        out[p >> 5]! ^= 1 << (p & 31);
      }
    }
  }
}
