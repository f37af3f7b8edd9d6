// @ts-check
// The dashboard: public regional status for anyone; with an API key, what the key's role may read (cases and
// responses for guarantors, members and analysts; violations and the evidence for members and analysts).
// Updates when the live feed (GET /v1/events) says something changed, fetching the lists then; GET /v1/status (a
// few hundred bytes) is read once a minute for the server's clock, and every 5 s only while the feed is down, so an
// idle dashboard on a satellite link costs almost nothing.
import * as api from './api.js';
import { renderFindings, renderScorecard, renderSustainment, renderTimeline } from './analysis.js';
import { navigateCases, renderCases, renderFailures, renderTasks, tick } from './cases.js';
import { esc, render, utc } from './format.js';
import { follow } from './feed.js';
import { renderLedger } from './ledger.js';
import { loadCheckpoint } from './log.js';
import { activityGroups, regionStateColors } from './palette.js';

/** The element with this id; `any`, since each is a different kind of element (input, form, div). @type {(id: string) => any} */
const $ = (id) => document.getElementById(id);

/** What the key's role may see and do: the server's own role table, served with `GET /v1/dashboard/me`. */
const nothing = { findings: false, cases: false, tasks: false, actOnTasks: false, acknowledgeAlerts: false };
const may = () => app.me?.can ?? nothing;
const stateText = {
  calm: 'calm',
  violations: 'violations reported',
  breach: 'breach declared',
  response: 'response under way',
};

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Cases per page, tasks shown per actor (more on request), violations on the map at most (the newest). */
const CASE_PAGE = 50;
const TASKS_PER_ACTOR = 10;
const MAX_POINTS = 5000;

/** The case list's query and its pages: `cursors[i]` starts page i (undefined: the first). */
const board = { cursors: [undefined], page: 0, total: 0, next: undefined };
/** How many tasks each actor's card shows, when more than TASKS_PER_ACTOR were asked for. */
const taskMore = new Map();
/**
 * The violations window: it ends at `end` (epoch ms, exclusive) and lasts `days` (0: all time). While `follow`, the
 * end is the newest violation, so a replay's violations are in view however long ago they happened.
 */
const span = { end: 0, days: 7, follow: true, newest: undefined, oldest: undefined };

const POLL = 5000;
/** While the feed is live, the status is read this often only for the server's clock. */
const FEED_POLL = 60_000;
const FULL_REFRESH = 30_000;

const app = {
  pkg: undefined,
  me: undefined,
  offset: 0,
  lastCounts: '',
  lastFull: 0,
  failures: 0,
  timer: undefined,
  map: undefined,
};

const serverNow = () => Date.now() + app.offset;

/**
 * The map, loaded in the background: MapLibre is most of the page's weight, so on a slow link the cases, clocks and
 * tasks show first and the map joins when it arrives. Calls made before then are applied in order once it is ready.
 */
class LazyMap {
  /** `when`: MapLibre (parsed and started on the main thread) waits for the first panels to be drawn. */
  constructor(container, when) {
    this.queue = when
      .then(() => import('./map.js'))
      .then(({ DashboardMap }) => (this.map = new DashboardMap(container, {})))
      .catch((e) => {
        container.dataset.state = 'error';
        container.textContent = `The map could not load: ${e.message}`;
      });
  }

  /** Runs `map[name](...args)` after every earlier call; resolves to its result (undefined without a map). */
  call(name, ...args) {
    const run = this.queue.then(() => this.map?.[name](...args));
    this.queue = run.catch(() => undefined);
    return run;
  }

  set(name, value) {
    this.queue = this.queue.then(() => {
      if (this.map) this.map[name] = value;
    });
  }
}

function setConn(state, text) {
  const el = $('conn');
  el.dataset.state = state;
  el.textContent = text;
}

async function boot() {
  const fromLink = api.keyFromFragment();
  if (fromLink) api.storeKey(fromLink, false);

  // The panels first: parsing MapLibre and starting WebGL hold the main thread for a moment, so the map starts once
  // the first lists are drawn (or after 3 s, whichever comes first).
  const drawn = new Promise((resolve) => {
    app.drawn = resolve;
    setTimeout(resolve, 3000);
  });
  app.map = new LazyMap($('map'), drawn);
  $('key-form').addEventListener('submit', onSignIn);
  $('sign-out').addEventListener('click', signOut);
  // Task actions, delegated: the board re-renders when tasks change.
  $('task-board').addEventListener('click', (e) => {
    const b = /** @type {HTMLElement} */ (e.target).closest('button[data-task-action="acknowledge"]');
    if (b) taskAction(b, 'acknowledge');
  });
  $('task-board').addEventListener('submit', (e) => {
    const f = /** @type {HTMLFormElement | null} */ (
      /** @type {HTMLElement} */ (e.target).closest('form[data-task-action="deliver"]')
    );
    if (!f) return;
    e.preventDefault();
    taskAction(f, 'deliver', { note: /** @type {HTMLInputElement} */ (f.elements.namedItem('note')).value.trim() });
  });
  wireCaseControls();
  wireWindow();
  $('task-state').addEventListener('change', () => {
    taskMore.clear();
    guarded(refreshTasks, 'task-board');
  });
  $('task-board').addEventListener('click', (e) => {
    const b = /** @type {HTMLElement} */ (e.target).closest('button[data-more-tasks]');
    if (b) moreTasks(/** @type {HTMLElement} */ (b).dataset.moreTasks);
  });
  const legend = $('legend');
  // On a phone the legend starts folded: open, it would cover half the map.
  if (window.matchMedia('(max-width: 700px)').matches) legend.open = false;
  legend.addEventListener('toggle', () => app.map.call('fit'));

  try {
    app.pkg = await api.get('/v1/package/model');
  } catch (e) {
    setConn('offline', e.message);
    return;
  }
  const pkg = app.pkg;
  $('case-trigger').insertAdjacentHTML(
    'beforeend',
    Object.entries(pkg.triggers ?? {})
      .map(([id, t]) => `<option value="${esc(id)}">${esc(id)} (${esc(t.severity)})</option>`)
      .join(''),
  );
  $('title').textContent = pkg.title ?? pkg.package;
  document.title = `${pkg.title ?? pkg.package} · Guarantor`;
  $('subtitle').textContent = `${pkg.package} v${pkg.version ?? ''} · in effect from ${utc(pkg.effective?.start)}`;

  // The map needs the geometry; the rest of the page works without it.
  api
    .get('/v1/package/geometry')
    .then((fc) => {
      fillRegions(fc);
      return app.map.call('setGeometry', fc).then((zones) => zones && renderZoneList(fc, zones));
    })
    .catch((e) => {
      $('map').dataset.state = 'error';
      render($('zone-list'), `<li class="error">${esc(e.message)}</li>`);
    });
  renderActivityLegend();

  const key = api.storedKey();
  if (key) await signIn(key, undefined, true);
  else showRole();
  poll();
  startFeed();
  setInterval(() => tick(document, serverNow), 1000);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) poll();
  });
}

/** The region filter's choices: every region of the map, by name (with its code where two share a name). */
function fillRegions(fc) {
  const regions = fc.features.filter((f) => f.properties.layer === 'region').map((f) => f.properties);
  const names = new Map();
  for (const r of regions) names.set(r.name, (names.get(r.name) ?? 0) + 1);
  regions.sort((a, b) => a.name.localeCompare(b.name) || a.code.localeCompare(b.code));
  $('case-region').insertAdjacentHTML(
    'beforeend',
    regions
      .map(
        (r) =>
          `<option value="${esc(r.code)}">${esc(names.get(r.name) > 1 ? `${r.name} (${r.code})` : r.name)}</option>`,
      )
      .join(''),
  );
}

function wireCaseControls() {
  const restart = () => {
    board.cursors = [undefined];
    board.page = 0;
    guarded(refreshCaseList, 'case-summary');
  };
  const form = $('case-controls');
  form.addEventListener('change', (e) => {
    if (/** @type {HTMLElement} */ (e.target).id !== 'case-search') restart();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    restart();
  });
  let typing;
  $('case-search').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(restart, 300);
  });
  $('case-next').addEventListener('click', () => {
    if (!board.next) return;
    board.cursors[board.page + 1] = board.next;
    board.page++;
    guarded(refreshCaseList, 'case-summary').then(() => $('case-list').querySelector('li.case')?.focus());
  });
  $('case-prev').addEventListener('click', () => {
    if (board.page === 0) return;
    board.page--;
    guarded(refreshCaseList, 'case-summary').then(() => $('case-list').querySelector('li.case')?.focus());
  });
  navigateCases($('case-list'));
}

/** The case list's query string: the controls, the page's cursor. */
function caseQuery() {
  const q = new URLSearchParams({ sort: $('case-sort').value, limit: String(CASE_PAGE) });
  for (const [id, name] of [
    ['case-status', 'status'],
    ['case-trigger', 'trigger'],
    ['case-region', 'region'],
  ])
    if ($(id).value) q.set(name, $(id).value);
  const search = $('case-search').value.trim().toLowerCase();
  if (search) q.set('q', search);
  // Dates are whole UTC days: from the start of the first to the end of the last.
  if ($('case-from').value) q.set('from', new Date(`${$('case-from').value}T00:00:00Z`).toISOString());
  if ($('case-to').value) q.set('to', new Date(Date.parse(`${$('case-to').value}T00:00:00Z`) + DAY).toISOString());
  const cursor = board.cursors[board.page];
  if (cursor) q.set('cursor', cursor);
  return q.toString();
}

function wireWindow() {
  const end = $('window-end');
  end.addEventListener('input', () => showWindowEnd(Number(end.value)));
  end.addEventListener('change', () => {
    span.end = Number(end.value);
    span.follow = span.end >= Number(end.max);
    guarded(refreshFindings, 'window-summary');
  });
  $('window-days').addEventListener('change', () => {
    span.days = Number($('window-days').value);
    guarded(refreshFindings, 'window-summary');
  });
  $('window-newest').addEventListener('click', () => {
    span.follow = true;
    guarded(refreshFindings, 'window-summary');
  });
  $('window-summary').addEventListener('click', (e) => {
    if (!(/** @type {HTMLElement} */ (e.target).closest('button[data-widen]'))) return;
    span.days = 0;
    span.follow = true;
    $('window-days').value = '0';
    guarded(refreshFindings, 'window-summary');
  });
}

function showWindowEnd(ms) {
  $('window-end-text').textContent = utc(ms);
  $('window-end').setAttribute('aria-valuetext', utc(ms));
}

function renderZoneList(fc, zones) {
  render(
    $('zone-list'),
    zones
      .map(
        (z) =>
          `<li><label><input type="checkbox" checked data-zone="${esc(z.properties.id)}"> <span class="swatch" style="background:${z.properties.color};opacity:${z.properties.kind === 'line' ? 1 : 0.7}"></span>${esc(z.properties.id)}</label> <button type="button" class="link" data-show-zone="${esc(z.properties.id)}">${esc(z.properties.kind)}<span class="visually-hidden">: show ${esc(z.properties.id)} on the map</span></button></li>`,
      )
      .join('') +
      (fc.undrawn?.length
        ? fc.undrawn.map((u) => `<li class="muted">${esc(u.zone)}: not drawn (${esc(u.reason)})</li>`).join('')
        : ''),
  );
  for (const box of $('zone-list').querySelectorAll('input[data-zone]'))
    box.addEventListener('change', () => app.map.call('setZoneVisible', box.dataset.zone, box.checked));
  for (const b of $('zone-list').querySelectorAll('button[data-show-zone]'))
    b.addEventListener('click', () => app.map.call('showZone', b.dataset.showZone));
}

function renderActivityLegend() {
  render(
    $('activity-legend'),
    activityGroups
      .map((g) => `<li><span class="swatch round" style="background:${g.color}"></span>${esc(g.label)}</li>`)
      .join('') +
      '<li><span class="swatch round ring"></span>evidence of a case</li><li><span class="swatch round small grey"></span>incident, no violation</li>',
  );
}

async function onSignIn(e) {
  e.preventDefault();
  const key = $('key-input').value.trim();
  if (!key) return;
  await signIn(key, $('key-remember').checked);
}

async function signIn(key, remember, quiet = false) {
  const err = $('key-error');
  err.hidden = true;
  try {
    app.me = await api.get('/v1/dashboard/me', key);
    if (remember !== undefined) api.storeKey(key, remember);
    $('key-input').value = '';
  } catch (e) {
    app.me = undefined;
    if (e.status === 401) api.forgetKey();
    if (!quiet || e.status === 401) {
      err.textContent = e.status === 401 ? `Sign-in refused: ${e.message}` : e.message;
      err.hidden = false;
    }
  }
  app.lastCounts = '';
  showRole();
  if (app.timer) poll();
  startFeed();
}

function signOut() {
  api.forgetKey();
  app.me = undefined;
  app.lastCounts = '';
  showRole();
  app.map.call('setFindings', { incidents: [], violations: [], caseViolations: new Set(), severityRank: () => 0 });
  poll();
  startFeed();
}

/**
 * Follows the live feed with the current key (the public events without one): any event means the lists are
 * stale, so they are fetched again, at most every 300 ms however many events arrive together.
 */
function startFeed() {
  app.feed?.stop();
  app.feedLive = false;
  app.feed = follow({
    key: api.storedKey(),
    onEvent: () => {
      if (app.soon) return;
      app.soon = setTimeout(() => {
        app.soon = undefined;
        app.lastCounts = '';
        poll();
      }, 300);
    },
    onState: (state) => {
      const was = app.feedLive;
      app.feedLive = state === 'live';
      // Back from an outage: catch up at once; gone: polling every 5 s takes over until it returns.
      if (app.feedLive !== was) poll();
    },
  });
}

function showRole() {
  const role = app.me?.role;
  $('key-form').hidden = !!app.me;
  $('who').hidden = !app.me;
  if (app.me) $('who-text').innerHTML = `<strong>${esc(app.me.name)}</strong> <span class="badge">${esc(role)}</span>`;
  const can = may();
  // The public's regions, also for a key that reads no case (a feed's monitor key), with a word on why.
  $('public-panel').hidden = can.cases;
  $('public-note').hidden = !!app.me;
  $('monitor-note').hidden = role !== 'monitor' || can.cases;
  $('cases-panel').hidden = !can.cases;
  $('tasks-panel').hidden = !can.tasks;
  $('analysis-panel').hidden = !can.cases;
  $('ledger-panel').hidden = !can.cases;
  $('violations-panel').hidden = !can.findings;
  $('map-legend-points').hidden = !can.findings;
  $('timebar').hidden = !can.findings;
  $('tint-note').hidden = !can.findings;
  $('log-panel').hidden = false;
  if (!can.cases) $('failures-panel').hidden = true;
  // The mission's monitor key is the duty officer's: its own view, not a feed's (which reads nothing).
  document.body.dataset.role = role === 'monitor' && can.cases ? 'mission' : (role ?? 'public');
  app.map.set('tint', can.findings);
}

/**
 * Polls the status; refreshes the lists when a count moved, or every 30 s (clocks fire timers on the server). One
 * poll at a time: a request for another while one runs (sign-in, a new window) runs once it ends, so an older answer
 * never overwrites a newer view.
 */
function poll() {
  if (app.polling) {
    app.again = true;
    return app.polling;
  }
  app.polling = pollOnce().finally(() => {
    app.polling = undefined;
    if (app.again) {
      app.again = false;
      poll();
    }
  });
  return app.polling;
}

async function pollOnce() {
  clearTimeout(app.timer);
  let delay = app.feedLive ? FEED_POLL : document.hidden ? POLL * 6 : POLL;
  try {
    const t0 = Date.now();
    const status = await api.get('/v1/status');
    const t1 = Date.now();
    // NTP's rule: trust the sample with the shortest round trip (its midpoint is the least uncertain), unless the
    // server's clock really moved (more than 2 s from the current estimate), so clocks do not jitter between polls.
    const offset = Date.parse(status.time) - (t0 + t1) / 2;
    const rtt = t1 - t0;
    if (app.rtt === undefined || rtt <= app.rtt || Math.abs(offset - app.offset) > 2000) {
      app.offset = offset;
      app.rtt = rtt;
    }
    $('server-time').textContent = utc(serverNow());
    const counts = `${status.observations}/${status.incidents}/${status.violations}/${status.cases}`;
    const due = counts !== app.lastCounts || Date.now() - app.lastFull > FULL_REFRESH;
    if (due) {
      await refresh();
      app.lastCounts = counts;
      app.lastFull = Date.now();
    }
    app.drawn?.();
    app.failures = 0;
    setConn('live', `${app.feedLive ? 'live' : 'polling'} · ${status.observations.toLocaleString('en')} reports`);
  } catch (e) {
    if (signedOut(e)) delay = 0;
    else {
      app.failures++;
      delay = Math.min(60_000, POLL * 2 ** app.failures);
      setConn('offline', `offline: ${e.message}; retrying in ${Math.round(delay / 1000)} s`);
    }
  }
  app.timer = setTimeout(poll, delay);
}

/** A 401 while signed in: the key was revoked (or the store replaced); back to the public view, saying why. */
function signedOut(e) {
  if (e?.status !== 401 || !app.me) return false;
  api.forgetKey();
  app.me = undefined;
  app.lastCounts = '';
  showRole();
  startFeed(); // the feed too goes on without the key
  $('key-error').textContent = `Signed out: ${e.message}`;
  $('key-error').hidden = false;
  poll();
  return true;
}

/** A refresh started by a control: a revoked key signs out; any other failure is said where the list is. */
function guarded(job, where) {
  return job().catch((e) => {
    if (!signedOut(e)) render($(where), `<p class="error" role="alert">${esc(e.message)}</p>`);
  });
}

async function refresh() {
  const can = may();
  // What the role reads first comes first, alone: the server answers it before the heavier lists (thousands of
  // violations for the map) and MapLibre's start compete with it.
  await (can.cases ? refreshCaseList() : refreshRegions());
  app.drawn?.();
  /** @type {Promise<unknown>[]} */
  const jobs = [loadCheckpoint($('log'))];
  if (can.cases) jobs.push(refreshRegions(), refreshFailures());
  if (can.tasks) jobs.push(refreshTasks());
  if (can.findings) jobs.push(refreshFindings());
  if (can.cases && !app.analysed) jobs.push(refreshAnalysis());
  if (can.cases) jobs.push(refreshLedger());
  await Promise.all(jobs);
  tick(document, serverNow);
}

async function refreshRegions() {
  const r = await api.optional('/v1/public/regions');
  if (!r) return;
  const states = new Map(r.regions.map((x) => [x.code, x.state]));
  app.map.call('setRegionStates', states);
  const order = { response: 0, breach: 1, violations: 2, calm: 3 };
  const list = r.regions.slice().sort((a, b) => order[a.state] - order[b.state] || a.name.localeCompare(b.name));
  render(
    $('region-list'),
    list
      .map(
        (x) =>
          `<li class="region region-${esc(x.state)}" data-state="${esc(x.state)}" data-region="${esc(x.code)}"><span class="swatch" style="background:${regionStateColors[x.state]}"></span><strong>${esc(x.name)}</strong> <span class="muted small">${esc(x.code)}</span> <span>${esc(stateText[x.state])}</span>${x.violations ? ` <span class="muted">${x.violations} in ${r.days} days</span>` : ''}</li>`,
      )
      .join(''),
  );
}

/** One page of cases, as the controls ask (GET /v1/judgment sorts, filters and pages on the server). */
async function refreshCaseList() {
  const query = caseQuery();
  const page = await api.get(`/v1/judgment?${query}`);
  if (query !== caseQuery()) return; // the controls moved meanwhile: their own refresh draws
  board.total = page.total;
  board.next = page.next;
  app.cases = page.items;
  const filtered = [...new FormData($('case-controls')).entries()].some(([k, v]) => k !== 'sort' && v !== '');
  renderCases($('case-list'), {
    items: page.items,
    pkg: app.pkg,
    onViolation: (id) => app.map.call('showViolation', id),
    empty: filtered ? 'No case matches these filters.' : 'No breach case has opened.',
  });
  $('case-count').textContent = page.total.toLocaleString('en');
  const first = board.page * CASE_PAGE;
  $('case-summary').textContent = page.total
    ? `${page.total.toLocaleString('en')} case${page.total === 1 ? '' : 's'}${filtered ? ' match' : ''}; showing ${(first + 1).toLocaleString('en')} to ${(first + page.items.length).toLocaleString('en')}`
    : '';
  $('case-page').textContent = page.total
    ? `page ${board.page + 1} of ${Math.ceil(page.total / CASE_PAGE).toLocaleString('en')}`
    : '';
  $('case-prev').disabled = board.page === 0;
  $('case-next').disabled = !page.next;
  markCaseEvidence();
}

async function refreshFailures() {
  const failures = await api.optional('/v1/response-failures');
  renderFailures($('failure-list'), $('failures-panel'), { failures: failures?.items ?? [], pkg: app.pkg });
}

/**
 * The board: each actor's counts and its most urgent tasks (GET /v1/dashboard/tasks, once per actor), the key's own
 * actor's first. "Show more" raises that actor's count.
 */
async function refreshTasks() {
  const state = $('task-state').value;
  const filter = state ? `&state=${state}` : '';
  const { actors } = await api.get(`/v1/dashboard/tasks?limit=1${filter}`);
  const pages = await Promise.all(
    actors.map((a) =>
      api.get(
        `/v1/dashboard/tasks?limit=${taskMore.get(a.actor) ?? TASKS_PER_ACTOR}&actor=${encodeURIComponent(a.actor)}${filter}`,
      ),
    ),
  );
  const more = new Set(actors.filter((_, i) => pages[i].next).map((a) => a.actor));
  renderTasks($('task-board'), {
    actors,
    tasks: pages.flatMap((p) => p.items),
    more,
    pkg: app.pkg,
    me: app.me?.actor,
    canAct: may().actOnTasks,
  });
}

function moreTasks(actor) {
  taskMore.set(actor, Math.min(1000, (taskMore.get(actor) ?? TASKS_PER_ACTOR) + 4 * TASKS_PER_ACTOR));
  return refreshTasks();
}

/** The newest and oldest violation: the slider's range. */
async function violationBounds() {
  const [newest, oldest] = await Promise.all([
    api.get('/v1/violations?status=active&order=newest&limit=1'),
    api.get('/v1/violations?status=active&limit=1'),
  ]);
  span.newest = newest.items[0]?.time;
  span.oldest = oldest.items[0]?.time;
}

/**
 * Violations and incidents in the window, newest first, at most MAX_POINTS of each on the map; the window ends at
 * the newest violation unless the slider was moved back.
 */
async function refreshFindings() {
  await violationBounds();
  const slider = $('window-end');
  if (span.newest === undefined) {
    slider.disabled = true;
    $('window-summary').textContent = 'No violation recorded yet.';
    await drawFindings([], []);
    return;
  }
  const top = Math.ceil((span.newest + 1) / HOUR) * HOUR;
  const bottom = Math.min(top - HOUR, Math.floor(Math.min(span.oldest ?? span.newest, span.newest) / HOUR) * HOUR);
  slider.disabled = false;
  slider.min = String(bottom);
  slider.max = String(top);
  if (span.follow || span.end > top || span.end < bottom) span.end = top;
  slider.value = String(span.end);
  showWindowEnd(span.end);
  $('window-days').value = String(span.days);
  const from = span.days > 0 ? span.end - span.days * DAY : undefined;
  const range = `&to=${new Date(span.end).toISOString()}${from !== undefined ? `&from=${new Date(from).toISOString()}` : ''}`;
  const [violations, incidents] = await Promise.all([
    api.all(`/v1/violations?limit=1000&status=active&order=newest${range}`, MAX_POINTS),
    api.all(`/v1/incidents?limit=1000&status=open&order=newest${range}`, MAX_POINTS),
  ]);
  const truncated = violations.length >= MAX_POINTS;
  const fromText = from !== undefined ? utc(from) : 'the first';
  render(
    $('window-summary'),
    violations.length
      ? `${truncated ? `The newest ${MAX_POINTS.toLocaleString('en')} violations` : `${violations.length.toLocaleString('en')} violation${violations.length === 1 ? '' : 's'}`} from ${esc(fromText)} to ${esc(utc(span.end))}${span.follow ? ', ending at the newest' : ''}${truncated ? '; shorten the window for the rest' : ''}.`
      : `0 violations in view: none from ${esc(fromText)} to ${esc(utc(span.end))}. <button type="button" class="small-button" data-widen>Show every violation</button>`,
  );
  await drawFindings(violations, incidents);
}

async function drawFindings(violations, incidents) {
  app.violations = violations;
  app.incidents = incidents;
  const pkg = app.pkg;
  const severities = pkg.severities ?? [];
  const rankOf = new Map();
  for (const t of Object.values(pkg.triggers ?? {}))
    for (const p of t.on) rankOf.set(p, Math.max(rankOf.get(p) ?? 0, severities.indexOf(t.severity) + 1));
  app.rankOf = rankOf;
  markCaseEvidence();
  renderViolations(violations, caseEvidence());
}

/** Violations that are evidence of a case listed on this page: ringed on the map. */
function caseEvidence() {
  return new Set((app.cases ?? []).flatMap((c) => (c.case?.evidence ?? []).map((e) => e.violation)));
}

function markCaseEvidence() {
  if (!app.violations || !app.rankOf) return;
  const rankOf = app.rankOf;
  app.map.call('setFindings', {
    incidents: app.incidents ?? [],
    violations: app.violations,
    caseViolations: caseEvidence(),
    severityRank: (p) => rankOf.get(p) ?? 0,
  });
}

async function taskAction(el, action, body) {
  const { case: caseId, index, actor } = el.dataset;
  const err = el.closest('.task-actions').querySelector('.error');
  err.hidden = true;
  el.closest('.task-actions')
    .querySelectorAll('button')
    .forEach((b) => (b.disabled = true));
  try {
    await api.post(
      `/v1/cases/${encodeURIComponent(caseId)}/tasks/${encodeURIComponent(index)}/${encodeURIComponent(actor)}/${action}`,
      body,
    );
    app.lastCounts = '';
    await poll();
  } catch (e) {
    err.textContent = e.message;
    err.hidden = false;
    el.closest('.task-actions')
      .querySelectorAll('button')
      .forEach((b) => (b.disabled = false));
  }
}

function renderViolations(violations, caseViolations) {
  const latest = violations
    .slice()
    .sort((a, b) => b.time - a.time)
    .slice(0, 50);
  $('violation-count').textContent = violations.length.toLocaleString('en');
  const changed = render(
    $('violation-list'),
    latest
      .map(
        (v) =>
          `<li><a href="#" data-violation="${esc(v.id)}">${esc(v.prohibition)}</a>: ${esc(v.activity)} <span class="muted">${esc(utc(v.time))} · ${esc(v.party)} (${esc(v.basis)}) · ${Math.round(v.confidence * 100)}%${caseViolations.has(v.id) ? ' · evidence of a listed case' : ''}</span></li>`,
      )
      .join('') || '<li class="empty">No violation in this window.</li>',
  );
  if (changed) {
    for (const a of $('violation-list').querySelectorAll('[data-violation]')) {
      a.addEventListener('click', (e) => {
        e.preventDefault();
        app.map.call('showViolation', a.dataset.violation);
      });
    }
  }
}

async function refreshLedger() {
  const [coverage, alerts] = await Promise.all([
    api.optional('/v1/ledger/coverage'),
    api.optional('/v1/ledger/alerts?limit=1000'),
  ]);
  if (!coverage || !alerts) return;
  const el = $('ledger');
  const me = app.me;
  // A key bound to an actor acknowledges only alerts about that actor (the server refuses the rest).
  renderLedger(
    el,
    coverage,
    alerts.items,
    (a) => may().acknowledgeAlerts && (me?.actor === '*' || a.guarantor === me?.actor),
  );
  for (const b of el.querySelectorAll('button.ack')) {
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        await api.post('/v1/ledger/alerts/acknowledge', { key: b.dataset.key });
        await refreshLedger();
      } catch (e) {
        b.disabled = false;
        b.title = e.message;
      }
    });
  }
}

async function refreshAnalysis() {
  const a = await api.optional('/v1/package/analysis');
  if (!a) return;
  app.analysed = true;
  renderScorecard($('scorecard'), a.scorecard);
  renderTimeline($('timeline'), a.timeline);
  renderSustainment($('sustainment'), a.sustainment);
  renderFindings($('finding-list'), a.findings);
  $('finding-count').textContent = String(a.findings.length);
}

boot();
