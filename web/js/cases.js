// @ts-check
// Breach cases with their judgment clocks, and response tasks by responsible actor. Clocks tick in the browser
// against the server's time (offset measured at each poll), so a skewed laptop clock does not move a deadline.
// Markup carries deadlines, not times left, so a poll that changes nothing re-renders nothing; `tick` fills them.
import { duration, esc, render, utc } from './format.js';

const outcomeText = {
  declared: 'breach declared',
  dismissed: 'dismissed',
  defaulted: 'decided by the deadline default',
};

/**
 * `items`: a page of GET /v1/judgment (each a judgment view with `case`, the case as opened: trigger, party,
 * evidence), in the server's order. The list is navigable by keyboard: one case at a time takes the Tab stop
 * (roving tabindex), arrows move between them.
 */
export function renderCases(el, { items, pkg, onViolation, empty = 'No breach case has opened.' }) {
  const focused = el.querySelector('li.case[tabindex="0"]')?.dataset.case;
  const rows = items.map((j) => caseItem(j, j.case, pkg));
  const changed = render(el, rows.join('') || `<li class="empty">${esc(empty)}</li>`);
  if (changed) {
    for (const a of el.querySelectorAll('[data-violation]')) {
      a.addEventListener('click', (e) => {
        e.preventDefault();
        onViolation?.(a.dataset.violation);
      });
    }
    const cases = [...el.querySelectorAll('li.case')];
    const keep = cases.find((li) => li.dataset.case === focused) ?? cases[0];
    if (keep) keep.tabIndex = 0;
  }
  return rows.length;
}

/** Arrow keys, Home and End move between cases; Enter opens or closes the evidence. Installed once per list. */
export function navigateCases(el) {
  el.addEventListener('keydown', (e) => {
    const li = /** @type {HTMLElement | null} */ (/** @type {HTMLElement} */ (e.target).closest?.('li.case'));
    if (!li || e.target !== li) return;
    const cases = /** @type {HTMLElement[]} */ ([...el.querySelectorAll('li.case')]);
    const i = cases.indexOf(li);
    const to =
      e.key === 'ArrowDown'
        ? cases[i + 1]
        : e.key === 'ArrowUp'
          ? cases[i - 1]
          : e.key === 'Home'
            ? cases[0]
            : e.key === 'End'
              ? cases.at(-1)
              : undefined;
    if (to) {
      e.preventDefault();
      li.tabIndex = -1;
      to.tabIndex = 0;
      to.focus();
    } else if (e.key === 'Enter') {
      const d = li.querySelector('details');
      if (d) {
        e.preventDefault();
        d.open = !d.open;
      }
    }
  });
  el.addEventListener('focusin', (e) => {
    const li = /** @type {HTMLElement | null} */ (/** @type {HTMLElement} */ (e.target).closest?.('li.case'));
    if (!li) return;
    for (const other of /** @type {NodeListOf<HTMLElement>} */ (el.querySelectorAll('li.case[tabindex="0"]')))
      if (other !== li) other.tabIndex = -1;
    li.tabIndex = 0;
  });
}

function caseItem(j, opening, pkg) {
  const sev = j.severity;
  const open = j.status === 'open';
  const party = opening?.party;
  const clock = open
    ? j.deadline === null
      ? '<span class="clock none">no deadline</span>'
      : `<span class="clock" data-deadline="${j.deadline}" aria-label="time left to judge"></span>`
    : `<span class="outcome outcome-${esc(j.outcome?.result)}">${esc(outcomeText[j.outcome?.result] ?? j.outcome?.result ?? 'decided')}</span> <span class="muted">${esc(utc(j.outcome?.at))}${j.outcome?.by === 'vote' ? ' by vote' : ''}</span>`;
  const t = j.tally;
  const tally = t
    ? `<div class="tally" aria-label="tally">
        <span class="vote declare">declare <b>${t.declare}</b></span>
        <span class="vote dismiss">dismiss <b>${t.dismiss}</b></span>
        <span class="vote abstain">abstain <b>${t.abstain}</b></span>
        <span class="muted">of ${t.eligible} eligible</span>
        ${j.leaning && open ? `<span class="muted">· leaning ${esc(j.leaning.verdict)}</span>` : ''}
      </div>
      ${j.pending?.length && open ? `<div class="muted">not yet voted: ${esc(j.pending.join(', '))}</div>` : ''}
      ${j.recused?.length ? `<div class="muted">recused: ${esc(j.recused.map((r) => `${r.member} (${r.reason})`).join(', '))}</div>` : ''}`
    : '<div class="muted">judgment not opened yet</div>';
  const evidence = (opening?.evidence ?? [])
    .map(
      (e) =>
        `<li><a href="#" data-violation="${esc(e.violation)}">${esc(e.prohibition)}</a> ${esc(utc(e.time))}, ${esc(e.corroboration)} operators, ${Math.round(e.confidence * 100)}%</li>`,
    )
    .join('');
  const label = `${sev} case, ${opening?.trigger ?? 'trigger unknown'}, ${open ? 'open' : 'decided'}`;
  return `<li class="case sev-${esc(sev)} ${open ? 'is-open' : 'is-decided'}" data-case="${esc(j.caseId)}" tabindex="-1" aria-label="${esc(label)}">
    <div class="case-head">
      <span class="badge sev-${esc(sev)}">${esc(sev)}</span>
      <strong>${esc(opening?.trigger ?? 'case')}</strong>
      ${party ? `<span class="muted">attributed to</span> <strong>${esc(pkg.actors?.[party]?.name ?? party)}</strong>` : ''}
    </div>
    <div class="case-clock">${open ? 'time left to judge: ' : ''}${clock}</div>
    ${tally}
    <div class="muted small">opened ${esc(utc(j.openedAt))}${opening?.breachAt ? ` · threshold met ${esc(utc(opening.breachAt))}` : ''} · <code>${esc(j.caseId.slice(0, 17))}</code></div>
    ${evidence ? `<details><summary>evidence (${opening.evidence.length})</summary><ul class="chain">${evidence}</ul></details>` : ''}
  </li>`;
}

const statusText = { open: 'not acknowledged', acknowledged: 'acknowledged', delivered: 'delivered' };

/**
 * Tasks grouped by responsible actor; `me` (the signed-in actor) first. `actors`: each actor's counts from the
 * server (every task, not only those loaded); `tasks`: the most urgent of each actor, in the server's order;
 * `more`: actors with more to load. When `canAct`, the signed-in actor's own open tasks carry Acknowledge and
 * Report delivery (the server checks it too).
 */
export function renderTasks(el, { actors, tasks, more = new Set(), pkg, me, canAct }) {
  const byActor = new Map(actors.map((a) => [a.actor, []]));
  for (const t of tasks) {
    if (!byActor.has(t.actor)) byActor.set(t.actor, []);
    byActor.get(t.actor).push(t);
  }
  const counts = new Map(actors.map((a) => [a.actor, a]));
  const order = [...byActor.keys()].sort((a, b) => (a === me ? -1 : b === me ? 1 : a.localeCompare(b)));
  const cards = order.map((actor) => {
    const list = byActor.get(actor);
    const c = counts.get(actor) ?? { open: 0, acknowledged: 0, delivered: 0, overdue: 0 };
    return `<article class="actor ${c.overdue ? 'has-overdue' : ''}" data-actor="${esc(actor)}">
      <h3>${esc(pkg.actors?.[actor]?.name ?? actor)} <span class="muted">${esc(actor)}${actor === me ? ' · you' : ''}</span></h3>
      <p class="counts">
        <span>${c.open} due</span>
        <span>${c.acknowledged} acknowledged</span>
        <span>${c.delivered} delivered</span>
        <span class="${c.overdue ? 'overdue' : ''}">${c.overdue} overdue</span>
      </p>
      <ul class="items compact">${list.map((t) => taskItem(t, canAct && t.actor === me)).join('')}</ul>
      ${more.has(actor) ? `<button type="button" class="link" data-more-tasks="${esc(actor)}">show more of ${esc(actor)}'s tasks</button>` : ''}
    </article>`;
  });
  render(el, cards.join('') || '<p class="empty">No response is due: no breach has been declared.</p>');
}

function taskItem(t, mine) {
  const late = t.overdue && t.status !== 'delivered';
  let due;
  if (t.status === 'delivered')
    due = `delivered ${esc(utc(t.deliveredAt))}${t.deliveredAt > (t.dueAt ?? Infinity) ? ' <span class="overdue">late</span>' : ''}`;
  else if (t.dueAt === null) due = '<span class="muted">no deadline</span>';
  else
    due = `<span class="clock ${late ? 'overdue' : ''}" data-deadline="${t.dueAt}" data-overdue-label="overdue by"></span>`;
  const marks = [];
  if (t.automatic) marks.push('automatic');
  if (t.material) marks.push('material');
  if (t.escalations?.length) marks.push(`escalated: ${t.escalations.map((e) => e.step).join(', ')}`);
  if (t.publicMarkAt) marks.push(`public mark ${utc(t.publicMarkAt)}`);
  return `<li class="task status-${esc(t.status)} ${late ? 'is-overdue' : ''}">
    <div><strong>${esc(t.action)}</strong> <span class="badge sev-${esc(t.severity)}">${esc(t.severity)}</span> <span class="status">${esc(late ? 'OVERDUE' : (statusText[t.status] ?? t.status))}</span></div>
    <div>${t.status === 'delivered' ? '' : 'due in '}${due}</div>
    ${marks.length ? `<div class="muted small">${esc(marks.join(' · '))}</div>` : ''}
    ${t.status === 'delivered' && t.note ? `<div class="small">reported: ${esc(t.note)}</div>` : ''}
    ${mine && t.status !== 'delivered' ? actions(t) : ''}
  </li>`;
}

/** The responsible actor's own controls: acknowledge, and report delivery with a note saying what was delivered. */
function actions(t) {
  const ref = `data-case="${esc(t.caseId)}" data-index="${esc(t.index)}" data-actor="${esc(t.actor)}"`;
  return `<div class="task-actions">
    ${t.status === 'open' ? `<button type="button" class="small-button" data-task-action="acknowledge" ${ref}>Acknowledge</button>` : ''}
    <form class="deliver" data-task-action="deliver" ${ref}>
      <label class="visually-hidden" for="note-${esc(t.id)}">What was delivered</label>
      <input id="note-${esc(t.id)}" name="note" maxlength="4000" required placeholder="what was delivered">
      <button type="submit" class="small-button">Report delivery</button>
    </form>
    <p class="error small" role="alert" hidden></p>
  </div>`;
}

/** Response failures: a guarantor that missed its deadline is a finding as loud as the breach. */
export function renderFailures(el, panel, { failures, pkg, shown = 20 }) {
  panel.hidden = failures.length === 0;
  const latest = failures.slice(-shown).reverse();
  render(
    el,
    latest
      .map(
        (f) =>
          `<li class="failure"><strong>${esc(pkg.actors?.[f.actor]?.name ?? f.actor)}</strong> missed <strong>${esc(f.action)}</strong>${f.material ? ' (material)' : ''}, due ${esc(utc(f.dueAt))} <span class="muted">case <code>${esc(f.caseId.slice(0, 17))}</code></span></li>`,
      )
      .join('') +
      (failures.length > latest.length
        ? `<li class="muted small">and ${(failures.length - latest.length).toLocaleString('en')} earlier: <code>GET /v1/response-failures</code> lists them all</li>`
        : ''),
  );
}

/** Every second: each `[data-deadline]` shows the time left on the server's clock, or how late it is. */
export function tick(root, serverNow) {
  const now = serverNow();
  for (const el of root.querySelectorAll('[data-deadline]')) {
    const left = Number(el.dataset.deadline) - now;
    if (left >= 0) {
      el.textContent = duration(left);
      el.classList.remove('passed');
    } else {
      el.textContent = `${el.dataset.overdueLabel ?? 'passed'} ${duration(-left)}`;
      el.classList.add('passed');
    }
  }
  return now;
}
