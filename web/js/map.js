// @ts-check
// The map: regions of the package's regions layer as the base map, zones over them, incidents and violations on
// top. Only GeoJSON sources and a background colour: no tiles, glyphs or sprites, so nothing is fetched from
// anywhere but this server and the map works offline. Labels are HTML markers (no font server).
import { Map as MapLibre, Marker, NavigationControl, Popup, ScaleControl } from '/vendor/maplibre-gl.mjs';
import { esc, km, pct, utc } from './format.js';
import { activityColor, regionStateColors, regionStateTints, zoneColors } from './palette.js';

const empty = () => ({ type: 'FeatureCollection', features: [] });
const stateColor = (c) => [
  'match',
  ['coalesce', ['feature-state', 'state'], 'calm'],
  'violations',
  c.violations,
  'breach',
  c.breach,
  'response',
  c.response,
  c.calm,
];
const isLine = ['==', ['get', 'kind'], 'line'];
const isArea = ['!=', ['get', 'kind'], 'line'];
/** What a click selects when several things lie under it: the most specific first. */
const clickable = ['violation-clusters', 'violations', 'incidents', 'zone-line', 'zone-fill'];

export class DashboardMap {
  /** @param {HTMLElement} container @param {{ onSelect?: (layer: string, id: string | undefined) => void }} [options] */
  constructor(container, { onSelect } = {}) {
    this.container = container;
    this.onSelect = onSelect;
    /** Signed in: region states are a pale tint under the zones and points. */
    this.tint = false;
    /** @type {Set<string> | undefined} */
    this.hiddenZones = undefined;
    this.zones = [];
    this.labels = [];
    this.popup = new Popup({ maxWidth: '360px', closeButton: true, focusAfterOpen: false, className: 'dash-popup' });
    /** @type {Map<number, any>} cluster id -> its HTML count marker */
    this.clusterMarkers = new globalThis.Map();
    this.popup.on('close', () => this.map.getSource('selection')?.setData(empty()));
    this.map = new MapLibre({
      container,
      style: {
        version: 8,
        sources: {
          regions: { type: 'geojson', data: empty() },
          zones: { type: 'geojson', data: empty() },
          incidents: { type: 'geojson', data: empty() },
          // Clustered below zoom 9: at country zoom thousands of violations read as counts, not one blot.
          violations: {
            type: 'geojson',
            data: empty(),
            cluster: true,
            clusterMaxZoom: 8,
            clusterRadius: 44,
            clusterProperties: {
              maxRank: ['max', ['get', 'rank']],
              inCase: ['any', ['get', 'inCase']],
            },
          },
          selection: { type: 'geojson', data: empty() },
        },
        layers: [
          { id: 'sea', type: 'background', paint: { 'background-color': '#d4e2ec' } },
          {
            id: 'region-fill',
            type: 'fill',
            source: 'regions',
            paint: {
              // Signed in, the zones and points carry the detail: the region states stay a pale tint beneath them.
              'fill-color': [
                'case',
                ['boolean', ['feature-state', 'tint'], false],
                stateColor(regionStateTints),
                stateColor(regionStateColors),
              ],
            },
          },
          { id: 'region-line', type: 'line', source: 'regions', paint: { 'line-color': '#8c8c8c', 'line-width': 0.7 } },
          {
            id: 'zone-fill',
            type: 'fill',
            source: 'zones',
            filter: isArea,
            paint: { 'fill-color': ['get', 'color'], 'fill-opacity': ['get', 'opacity'] },
          },
          {
            id: 'zone-edge',
            type: 'line',
            source: 'zones',
            filter: isArea,
            paint: { 'line-color': ['get', 'color'], 'line-width': 1.2, 'line-dasharray': [3, 2] },
          },
          {
            id: 'zone-line',
            type: 'line',
            source: 'zones',
            filter: isLine,
            paint: { 'line-color': ['get', 'color'], 'line-width': 3 },
          },
          // The selected report's uncertainty disc: where the event may have been, not a false point.
          {
            id: 'selection-fill',
            type: 'fill',
            source: 'selection',
            paint: { 'fill-color': '#1f5f99', 'fill-opacity': 0.12 },
          },
          {
            id: 'selection-edge',
            type: 'line',
            source: 'selection',
            paint: { 'line-color': '#1f5f99', 'line-width': 1.5 },
          },
          {
            id: 'incidents',
            type: 'circle',
            source: 'incidents',
            paint: {
              'circle-radius': 3,
              'circle-color': '#737373',
              'circle-stroke-color': '#fff',
              'circle-stroke-width': 1,
            },
          },
          {
            id: 'violation-clusters',
            type: 'circle',
            source: 'violations',
            filter: ['has', 'point_count'],
            paint: {
              // Coloured by the most severe trigger among its violations; sized by how many.
              'circle-color': ['step', ['get', 'maxRank'], '#6a8caf', 1, '#b8860b', 2, '#d94801', 3, '#a50f15'],
              'circle-radius': ['step', ['get', 'point_count'], 13, 10, 16, 100, 20, 1000, 25],
              'circle-opacity': 0.85,
              'circle-stroke-color': ['case', ['get', 'inCase'], '#000', '#fff'],
              'circle-stroke-width': ['case', ['get', 'inCase'], 2.5, 1.5],
            },
          },
          {
            id: 'violations',
            type: 'circle',
            source: 'violations',
            filter: ['!', ['has', 'point_count']],
            paint: {
              'circle-radius': ['+', 5, ['*', 1.5, ['get', 'rank']]],
              'circle-color': ['get', 'color'],
              'circle-stroke-color': ['case', ['get', 'inCase'], '#000', '#fff'],
              'circle-stroke-width': ['case', ['get', 'inCase'], 2.5, 1.2],
            },
          },
        ],
      },
      center: [31.5, 48.5],
      zoom: 4.5,
      attributionControl: false,
      maplibreLogo: false,
      // Keeps the canvas readable by screenshots and tests; the cost is one copy per frame on a map this small.
      canvasContextAttributes: { preserveDrawingBuffer: true },
    });
    // For the browser's console and the browser tests: the MapLibre map (project a point, read the view).
    globalThis.guarantorMap = this.map;
    this.map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
    this.map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
    this.ready = new Promise((resolve) => this.map.once('load', resolve));
    this.map.on('click', (e) => {
      const hits = this.map.queryRenderedFeatures(e.point, { layers: clickable });
      hits.sort((a, b) => clickable.indexOf(a.layer.id) - clickable.indexOf(b.layer.id));
      if (hits[0]?.layer.id === 'violation-clusters') this.expandCluster(hits[0].properties.cluster_id);
      else if (hits[0]) this.select(hits[0].layer.id, hits[0].properties, e.lngLat);
    });
    // Cluster counts are HTML (no glyph server): redrawn when the view or the data settles.
    this.map.on('idle', () => this.drawClusterCounts());
    this.map.on('mousemove', (e) => {
      const over = this.map.queryRenderedFeatures(e.point, { layers: clickable }).length > 0;
      this.map.getCanvas().style.cursor = over ? 'pointer' : '';
    });
  }

  /** The package's regions and zones (GET /v1/package/geometry). */
  async setGeometry(fc) {
    await this.ready;
    const regions = fc.features.filter((f) => f.properties.layer === 'region');
    const kindCount = {};
    this.zones = fc.features
      .filter((f) => f.properties.layer === 'zone')
      .map((f) => {
        const kind = f.properties.kind;
        const n = (kindCount[kind] = (kindCount[kind] ?? 0) + 1);
        // Several buffers around one line: each wider one paler, so the nesting reads at a glance.
        const opacity = kind === 'buffer' ? Math.max(0.08, 0.3 / n) : kind === 'airspace' ? 0.06 : 0.22;
        return { ...f, properties: { ...f.properties, color: zoneColors[kind] ?? '#666', opacity } };
      });
    this.regionFeatures = regions;
    this.map.getSource('regions').setData({ type: 'FeatureCollection', features: regions });
    // Widest first, so narrower zones draw on top and stay clickable.
    const polys = this.zones
      .filter((z) => z.geometry.type === 'MultiPolygon')
      .sort((a, b) => (b.properties.width ?? 0) - (a.properties.width ?? 0));
    const lines = this.zones.filter((z) => z.geometry.type !== 'MultiPolygon');
    // Zone ids as given; MapLibre needs numeric feature ids, which the server assigns.
    this.map.getSource('zones').setData({ type: 'FeatureCollection', features: [...polys, ...lines] });
    for (const m of this.labels) m.remove();
    this.labels = labelled(regions).map((f) => {
      const el = document.createElement('span');
      el.className = 'region-label';
      el.textContent = f.properties.name;
      return new Marker({ element: el }).setLngLat(labelPoint(f.geometry)).addTo(this.map);
    });
    this.bbox = fc.bbox;
    this.fit(false);
    if (this.states) await this.setRegionStates(this.states);
    this.container.dataset.zoneCount = String(this.zones.length);
    this.container.dataset.regionCount = String(regions.length);
    this.container.dataset.state = 'ready';
    return this.zones;
  }

  /**
   * Frames the package's area, clear of the legend when it is open (on a wide screen it sits over the map's west),
   * so no region hides under it.
   */
  fit(animate = true) {
    if (!this.bbox) return;
    const [w, s, e, n] = this.bbox;
    const legend = this.container.parentElement?.querySelector('.legend');
    const open = legend instanceof HTMLDetailsElement && legend.open;
    const wide = this.container.clientWidth > 700;
    // Wide: the legend sits left of the area; narrow (a phone): above it.
    const box = open ? legend.getBoundingClientRect() : undefined;
    const left = box && wide ? box.width + 16 : 16;
    const top = box && !wide ? box.height + 16 : 16;
    const padding = { top, right: 48, bottom: 16, left };
    if (this.container.clientWidth - left - 48 < 80 || this.container.clientHeight - top - 16 < 80) return;
    this.map.fitBounds(
      [
        [w, s],
        [e, n],
      ],
      { padding, animate },
    );
  }

  /** Zooms in until the cluster splits. */
  async expandCluster(id) {
    const zoom = await this.map.getSource('violations').getClusterExpansionZoom(id);
    const c = this.clusterCentres?.get(id);
    if (c) this.map.easeTo({ center: c, zoom: Math.min(zoom, 12), duration: 400 });
  }

  /** One HTML count per visible cluster, a button that zooms in (keyboard too). */
  drawClusterCounts() {
    const seen = new globalThis.Map();
    for (const f of this.map.queryRenderedFeatures({ layers: ['violation-clusters'] }))
      seen.set(f.properties.cluster_id, f);
    this.clusterCentres = new globalThis.Map();
    for (const [id, f] of seen) {
      this.clusterCentres.set(id, f.geometry.coordinates);
      let m = this.clusterMarkers.get(id);
      if (!m) {
        const el = document.createElement('button');
        el.type = 'button';
        el.className = 'cluster-count';
        el.addEventListener('click', (e) => {
          e.stopPropagation();
          this.expandCluster(id);
        });
        m = new Marker({ element: el });
        this.clusterMarkers.set(id, m);
      }
      const n = f.properties.point_count;
      const el = m.getElement();
      // The visible count starts the accessible name (axe: label-content-name-mismatch).
      const shown = String(f.properties.point_count_abbreviated ?? n);
      el.innerHTML = `${esc(shown)}<span class="visually-hidden"> violations here (${esc(n)}): zoom in</span>`;
      m.setLngLat(f.geometry.coordinates).addTo(this.map);
    }
    for (const [id, m] of this.clusterMarkers)
      if (!seen.has(id)) {
        m.remove();
        this.clusterMarkers.delete(id);
      }
    this.container.dataset.clusterCount = String(seen.size);
    this.container.dataset.pointCount = String(
      new Set(this.map.queryRenderedFeatures({ layers: ['violations'] }).map((f) => f.properties.id)).size,
    );
    this.container.dataset.zoom = this.map.getZoom().toFixed(1);
  }

  /** Region states by region code; `tint` softens them under the zones and points of the signed-in view. */
  async setRegionStates(byCode) {
    this.states = byCode;
    await this.ready;
    for (const f of this.regionFeatures ?? [])
      this.map.setFeatureState(
        { source: 'regions', id: f.id },
        { state: byCode.get(f.properties.code) ?? 'calm', tint: !!this.tint },
      );
  }

  /** Incidents and violations as points; `severityRank(prohibition)` sizes a violation by the worst trigger on it. */
  async setFindings({ incidents, violations, caseViolations, severityRank }) {
    await this.ready;
    const violating = new Set(violations.map((v) => v.incidentId));
    const point = (x) => x.lon !== undefined && x.lat !== undefined;
    this.violationsById = new globalThis.Map(violations.map((v) => [v.id, v]));
    this.incidentsById = new globalThis.Map(incidents.map((i) => [i.id, i]));
    this.map.getSource('incidents').setData({
      type: 'FeatureCollection',
      features: incidents
        .filter((i) => point(i) && i.status === 'open' && !violating.has(i.id))
        .map((i) => ({
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [i.lon, i.lat] },
          properties: { id: i.id, activity: i.activity },
        })),
    });
    this.map.getSource('violations').setData({
      type: 'FeatureCollection',
      features: violations
        .filter((v) => point(v) && v.status === 'active')
        .map((v) => ({
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [v.lon, v.lat] },
          properties: {
            id: v.id,
            activity: v.activity,
            color: activityColor(v.activity),
            rank: severityRank(v.prohibition),
            inCase: caseViolations.has(v.id),
          },
        })),
    });
    this.container.dataset.violationCount = String(violations.length);
  }

  /** Opens the details of a feature; `centred` when the map is easing the point to its centre. */
  select(layer, props, lngLat, centred = false) {
    let content;
    if (layer === 'violations') {
      const v = this.violationsById?.get(props.id);
      if (!v) return;
      content = violationDetails(v, this.incidentsById?.get(v.incidentId), (line) => sideInWords(line, this.zones));
      lngLat ??= [v.lon, v.lat];
    } else if (layer === 'incidents') {
      const i = this.incidentsById?.get(props.id);
      if (!i) return;
      content = incidentDetails(i);
      lngLat ??= [i.lon, i.lat];
    } else {
      const z = this.zones.find((x) => x.properties.id === props.id);
      content = zoneDetails(z?.properties ?? props, this.zones);
    }
    // Kept inside the map: no wider than the map, no taller than the room on the roomier side of the point (half
    // the map for a point the map is easing to the centre); MapLibre then anchors it on that side.
    const width = this.container.clientWidth;
    const height = this.container.clientHeight;
    this.popup.setMaxWidth(`${Math.max(200, Math.min(360, width - 40))}px`);
    const y = centred ? height / 2 : this.map.project(lngLat).y;
    this.container.style.setProperty('--popup-max-h', `${Math.max(100, Math.max(y, height - y) - 50)}px`);
    const found =
      layer === 'violations'
        ? this.violationsById?.get(props.id)
        : layer === 'incidents'
          ? this.incidentsById?.get(props.id)
          : undefined;
    this.popup.setLngLat(lngLat).setHTML(content).addTo(this.map);
    this.container.dataset.selected = props.id ?? '';
    // After addTo: re-opening the popup closes it first, and closing clears the disc.
    this.map
      .getSource('selection')
      .setData(
        found?.radius > 0
          ? { type: 'FeatureCollection', features: [disc(found.lon, found.lat, found.radius)] }
          : empty(),
      );
    this.onSelect?.(layer, props.id);
  }

  /** Opens a violation's details and brings it into view (from the list), zoomed in past the clusters. */
  showViolation(id) {
    const v = this.violationsById?.get(id);
    if (!v || v.lon === undefined) return;
    // On a phone the list is below the map: bring the map into view first.
    if (this.container.getBoundingClientRect().bottom < 0) this.container.scrollIntoView({ block: 'start' });
    this.map.easeTo({ center: [v.lon, v.lat], zoom: Math.max(this.map.getZoom(), 9.5), duration: 400 });
    this.select('violations', { id }, [v.lon, v.lat], true);
  }

  /** Frames a zone and opens its details (the legend's buttons: the zones without a mouse). */
  showZone(id) {
    const z = this.zones.find((x) => x.properties.id === id);
    if (!z) return;
    const points =
      z.geometry.type === 'MultiPolygon' ? z.geometry.coordinates.flatMap((p) => p[0]) : z.geometry.coordinates.flat();
    const lons = points.map((p) => p[0]);
    const lats = points.map((p) => p[1]);
    this.map.fitBounds(
      [
        [Math.min(...lons), Math.min(...lats)],
        [Math.max(...lons), Math.max(...lats)],
      ],
      { padding: 40, duration: 400 },
    );
    const at = z.geometry.type === 'MultiPolygon' ? labelPoint(z.geometry) : points[Math.floor(points.length / 2)];
    this.select('zone-fill', z.properties, at);
  }

  /** Shows or hides the zone with this id (the legend's checkboxes). */
  setZoneVisible(id, visible) {
    const hidden = (this.hiddenZones ??= new Set());
    visible ? hidden.delete(id) : hidden.add(id);
    const filter = hidden.size ? ['!', ['in', ['get', 'id'], ['literal', [...hidden]]]] : null;
    for (const layer of ['zone-fill', 'zone-edge', 'zone-line']) {
      const base = layer === 'zone-line' ? isLine : isArea;
      this.map.setFilter(layer, filter ? ['all', base, filter] : base);
    }
  }
}

/** A circle of `radius` metres as a 64-gon (local plane: exact enough below a few hundred km). */
function disc(lon, lat, radius) {
  const ky = 111_132.954 - 559.822 * Math.cos((2 * lat * Math.PI) / 180);
  const kx = 111_412.84 * Math.cos((lat * Math.PI) / 180);
  const ring = [];
  for (let i = 0; i <= 64; i++) {
    const a = (i / 64) * 2 * Math.PI;
    ring.push([lon + (radius * Math.cos(a)) / kx, lat + (radius * Math.sin(a)) / ky]);
  }
  return { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } };
}

/**
 * Regions to label: one label per name (Kyiv city and Kyiv oblast are both "Kyiv" in Natural Earth): the largest
 * region of a name carries it.
 */
function labelled(regions) {
  const best = new globalThis.Map();
  for (const f of regions) {
    const name = f.properties.name;
    const area = ringArea(f.geometry);
    if (!best.has(name) || best.get(name).area < area) best.set(name, { f, area });
  }
  return [...best.values()].map((x) => x.f);
}

function ringArea(geometry) {
  let total = 0;
  for (const poly of geometry.coordinates) {
    const ring = poly[0];
    for (let i = 0; i + 1 < ring.length; i++) total += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  }
  return Math.abs(total / 2);
}

/** The party holding a side of a line zone, from the package's `sides` (undefined when it names none). */
function holder(zones, lineZone, side) {
  const z = zones.find((x) => x.properties.id === lineZone);
  return z?.properties?.[side];
}

/**
 * Where a point lies relative to a line, in words: "on the UA-held side of contact-line, 2.5 km from it" when the
 * package says who holds that side; else left or right looking along the line as drawn.
 */
export function sideInWords(line, zones) {
  if (line.side === 'on') return `on ${line.zone}`;
  const who = holder(zones, line.zone, line.side);
  return who
    ? `on the ${who}-held side of ${line.zone}, ${km(line.distance)} from it`
    : `${km(line.distance)} to the ${line.side} of ${line.zone} (looking along the line as drawn)`;
}

/** The area-weighted centroid of the largest outer ring: good enough for a label on an oblast. */
function labelPoint(geometry) {
  let best = null;
  let bestArea = 0;
  for (const poly of geometry.coordinates) {
    const ring = poly[0];
    let a = 0;
    let cx = 0;
    let cy = 0;
    for (let i = 0; i + 1 < ring.length; i++) {
      const cross = ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
      a += cross;
      cx += (ring[i][0] + ring[i + 1][0]) * cross;
      cy += (ring[i][1] + ring[i + 1][1]) * cross;
    }
    if (Math.abs(a) > bestArea) {
      bestArea = Math.abs(a);
      best = [cx / (3 * a), cy / (3 * a)];
    }
  }
  return best ?? geometry.coordinates[0][0][0];
}

const row = (k, v) => `<tr><th scope="row">${esc(k)}</th><td>${v}</td></tr>`;

export function violationDetails(
  v,
  incident,
  sideText = (line) => `${km(line.distance)} ${line.side} of ${line.zone}`,
) {
  const obs = (v.observations ?? [])
    .map(
      (o) => `<li><code>${esc(o.source)}/${esc(o.sourceId)}</code>${o.seq !== undefined ? ` #${esc(o.seq)}` : ''}</li>`,
    )
    .join('');
  const members = (incident?.members ?? [])
    .map(
      (m) =>
        `<li><code>${esc(m.source)}</code> (${esc(m.operator)}) ${pct(m.confidence)} at ${esc(utc(m.time))}${m.attribution ? `, says ${esc(m.attribution.party)} (${esc(m.attribution.basis)})` : ''}</li>`,
    )
    .join('');
  return `<div class="popup">
  <h3><span class="dot" style="background:${activityColor(v.activity)}"></span>${esc(v.prohibition)}: ${esc(v.activity)}</h3>
  <table>
    ${row('when', `${esc(utc(v.time))}${v.end > v.start ? ` <span class="muted">(${esc(utc(v.start))} – ${esc(utc(v.end))})</span>` : ''}`)}
    ${v.weapons?.length ? row('weapons', esc(v.weapons.join(', '))) : ''}
    ${row('where', `${v.lon?.toFixed(4)}, ${v.lat?.toFixed(4)} ± ${esc(km(v.radius))}${v.region ? `, ${esc(v.region)}` : ''}`)}
    ${v.zones?.length ? row('zones', esc(v.zones.join(', '))) : ''}
    ${v.line ? row('side', `${esc(sideText(v.line))}${v.depth !== undefined ? `; ${esc(km(v.depth))} beyond the line` : ''}`) : ''}
    ${row('confidence', `${pct(v.confidence)}, ${esc(v.corroboration)} independent operator${v.corroboration === 1 ? '' : 's'} (${esc((v.operators ?? []).join(', '))})`)}
    ${row('attribution', `<strong>${esc(v.party)}</strong> <span class="muted">basis: ${esc(v.basis)}</span>`)}
    ${row('status', `${esc(v.status)}, revision ${esc(v.revision)}, detected ${esc(utc(v.detectedAt))}`)}
  </table>
  <h4>Evidence chain</h4>
  <p class="muted">violation <code>${esc(v.id)}</code> ← incident <code>${esc(v.incidentId)}</code> ← observations:</p>
  <ul class="chain">${obs}</ul>
  ${members ? `<h4>Sources</h4><ul class="chain">${members}</ul>` : ''}
</div>`;
}

function incidentDetails(i) {
  return `<div class="popup">
  <h3>Incident: ${esc(i.activity)}</h3>
  <p class="muted">No prohibition breached.</p>
  <table>
    ${row('when', esc(utc(i.time)))}
    ${row('confidence', `${pct(i.confidence)}, ${esc(i.corroboration)} operator(s): ${esc((i.operators ?? []).join(', '))}`)}
    ${row('reports', esc((i.members ?? []).map((m) => `${m.source}/${m.sourceId}`).join(', ')))}
  </table>
</div>`;
}

function zoneDetails(p, zones = []) {
  const bits = [];
  if (p.kind === 'buffer') {
    const who = p.side === 'both' ? undefined : holder(zones, p.around, p.side);
    bits.push(
      `${km(p.width)} ${p.side === 'both' ? 'either side of' : who ? `on the ${who}-held side of` : `on the ${p.side} of`} ${p.around}`,
    );
  }
  if (p.kind === 'corridor') bits.push(`${km(p.width)} wide`);
  if (p.kind === 'airspace')
    bits.push(`${p.over ? `over ${p.over}, ` : ''}${p.floor ? `${km(p.floor)} to ` : 'up to '}${km(p.ceiling)}`);
  if (p.kind === 'area' && p.regions) bits.push(`regions ${[].concat(p.regions).join(', ')}`);
  if (p.kind === 'line' && (p.left || p.right))
    bits.push(
      `${p.left ?? 'nobody named'} holds the left side, ${p.right ?? 'nobody named'} the right (looking along the line as drawn)`,
    );
  const rules = [].concat(p.prohibitions ?? []);
  return `<div class="popup"><h3>${esc(p.id)} <span class="muted">${esc(p.kind)}</span></h3>
  ${bits.length ? `<p>${esc(bits.join('; '))}</p>` : ''}
  ${rules.length ? `<p>Prohibitions here: ${esc(rules.join(', '))}</p>` : ''}
  ${p.text ? `<p>${esc(p.text)}</p>` : ''}</div>`;
}
