// @ts-check
// The dashboard: public regional status for anyone; with an API key, what the key's role may read (cases and
// responses for guarantors, members and analysts; violations and the evidence for members and analysts).
// Updates when the live feed (GET /v1/events) says something changed, fetching the lists then; GET /v1/status (a
// few hundred bytes) is read once a minute for the server's clock, and every 5 s only while the feed is down, so an
// idle dashboard on a satellite link costs almost nothing.
import * as api from './api.js';
import { renderFindings, renderScorecard, renderSustainment, renderTimeline } from './analysis.js';
import { renderCases, renderFailures, renderTasks, tick } from './cases.js';
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
  constructor(container) {
    this.queue = import('./map.js')
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

  app.map = new LazyMap($('map'));
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
  $('window').addEventListener('change', () => {
    app.lastCounts = '';
    poll();
  });

  try {
    app.pkg = await api.get('/v1/package/model');
  } catch (e) {
    setConn('offline', e.message);
    return;
  }
  const pkg = app.pkg;
  $('title').textContent = pkg.title ?? pkg.package;
  document.title = `${pkg.title ?? pkg.package} · Guarantor`;
  $('subtitle').textContent = `${pkg.package} v${pkg.version ?? ''} · in effect from ${utc(pkg.effective?.start)}`;

  // The map needs the geometry; the rest of the page works without it.
  api
    .get('/v1/package/geometry')
    .then((fc) => app.map.call('setGeometry', fc).then((zones) => zones && renderZoneList(fc, zones)))
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

function renderZoneList(fc, zones) {
  render(
    $('zone-list'),
    zones
      .map(
        (z) =>
          `<li><label><input type="checkbox" checked data-zone="${esc(z.properties.id)}"> <span class="swatch" style="background:${z.properties.color};opacity:${z.properties.kind === 'line' ? 1 : 0.7}"></span>${esc(z.properties.id)}</label> <button type="button" class="link" data-show-zone="${esc(z.properties.id)}" aria-label="${esc(`Show ${z.properties.id} on the map`)}">${esc(z.properties.kind)}</button></li>`,
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
  $('public-panel').hidden = !!app.me;
  const can = may();
  $('cases-panel').hidden = !can.cases;
  $('tasks-panel').hidden = !can.tasks;
  $('analysis-panel').hidden = !can.cases;
  $('ledger-panel').hidden = !can.cases;
  $('violations-panel').hidden = !can.findings;
  $('map-legend-points').hidden = !can.findings;
  $('log-panel').hidden = false;
  if (!can.cases) $('failures-panel').hidden = true;
  document.body.dataset.role = role ?? 'public';
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
    app.failures = 0;
    setConn('live', `${app.feedLive ? 'live' : 'polling'} · ${status.observations.toLocaleString('en')} reports`);
  } catch (e) {
    if (e.status === 401 && app.me) {
      // The key was revoked (or the store replaced): back to the public view, saying why.
      api.forgetKey();
      app.me = undefined;
      app.lastCounts = '';
      showRole();
      startFeed(); // the feed too goes on without the key
      $('key-error').textContent = `Signed out: ${e.message}`;
      $('key-error').hidden = false;
      delay = 0;
    } else {
      app.failures++;
      delay = Math.min(60_000, POLL * 2 ** app.failures);
      setConn('offline', `offline: ${e.message}; retrying in ${Math.round(delay / 1000)} s`);
    }
  }
  app.timer = setTimeout(poll, delay);
}

async function refresh() {
  const can = may();
  const jobs = [refreshRegions(), loadCheckpoint($('log'))];
  if (can.cases) jobs.push(refreshCases());
  else if (can.tasks) jobs.push(refreshOwnTasks());
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

/** A monitor reads no case: only the tasks its actor owes (GET /v1/dashboard/tasks answers those). */
async function refreshOwnTasks() {
  const tasks = await api.get('/v1/dashboard/tasks');
  renderTasks($('task-board'), { tasks: tasks.items, pkg: app.pkg, me: app.me.actor, canAct: true });
}

async function refreshCases() {
  const pkg = app.pkg;
  const [openings, judgment, tasks, failures, violations, incidents] = await Promise.all([
    api.all('/v1/cases?limit=1000', 2000),
    api.optional('/v1/judgment?limit=1000'),
    api.optional('/v1/dashboard/tasks'),
    api.optional('/v1/response-failures'),
    may().findings ? api.all(`/v1/violations?limit=1000&status=active${since()}`) : Promise.resolve([]),
    may().findings ? api.all(`/v1/incidents?limit=1000&status=open${since()}`) : Promise.resolve([]),
  ]);
  const byId = new Map(openings.map((c) => [c.id, c]));
  const n = renderCases($('case-list'), {
    judgments: judgment?.items ?? [],
    openings: byId,
    pkg,
    onViolation: (id) => app.map.call('showViolation', id),
  });
  $('case-count').textContent = String(n);
  renderTasks($('task-board'), { tasks: tasks?.items ?? [], pkg, me: app.me?.actor, canAct: may().actOnTasks });
  renderFailures($('failure-list'), $('failures-panel'), { failures: failures?.items ?? [], pkg });

  const caseViolations = new Set(openings.flatMap((c) => (c.evidence ?? []).map((e) => e.violation)));
  const severities = pkg.severities ?? [];
  const rankOf = new Map();
  for (const t of Object.values(pkg.triggers ?? {}))
    for (const p of t.on) rankOf.set(p, Math.max(rankOf.get(p) ?? 0, severities.indexOf(t.severity) + 1));
  app.map.call('setFindings', { incidents, violations, caseViolations, severityRank: (p) => rankOf.get(p) ?? 0 });
  renderViolations(violations, caseViolations);
}

/** The map's time window (event time, on the server's clock): bounds what each refresh moves. */
function since() {
  const days = Number($('window').value);
  return days > 0 ? `&from=${new Date(serverNow() - days * 86_400_000).toISOString()}` : '';
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
  $('violation-count').textContent = String(violations.length);
  const changed = render(
    $('violation-list'),
    latest
      .map(
        (v) =>
          `<li><a href="#" data-violation="${esc(v.id)}">${esc(v.prohibition)}</a>: ${esc(v.activity)} <span class="muted">${esc(utc(v.time))} · ${esc(v.party)} (${esc(v.basis)}) · ${Math.round(v.confidence * 100)}%${caseViolations.has(v.id) ? ' · in a case' : ''}</span></li>`,
      )
      .join('') || '<li class="empty">No violation recorded.</li>',
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
