import { define } from '../definition.js';

/**
 * Codes of the analysis: the package read the way a hostile party reads it. Each message names the clause and says
 * what a violator (or a wavering guarantor) could do with the weakness; the help says what a fix looks like.
 * None is an error: a weak package is still a valid package (`--strict` turns warnings into failures).
 */
export const analysisCodes = [
  // Ambiguity: a violator tests the boundary without triggering any response.
  define('ambiguity', 2000, 'uncovered-prohibition', 'warning', 'No trigger covers prohibition `{prohibition}`: a violator can commit {activities} without ever opening a breach case', 'Add a trigger whose `on` lists `{prohibition}`, with an evidence threshold and a severity that has a material response.'),
  define('ambiguity', 2001, 'trigger-without-evidence', 'warning', 'Trigger `{trigger}` sets no evidence threshold: a violator can contest every finding as unproven', 'State what proves a violation: `evidence: { independent-sources: 2, confidence: 0.8 }` (sources with different operators).'),
  define('ambiguity', 2002, 'judgment-missing', 'warning', 'The package names no judgment body: nobody can declare a breach, so no response that waits for a declaration can start', 'Add `judgment` with members, a voting rule, a deadline and `on-deadline`; or mark responses each guarantor judges for itself `upon: trigger`.'),
  define('ambiguity', 2003, 'judgment-party-can-block', 'warning', '`{actor}` is bound by the prohibitions and can block a declaration ({how}): a violator can veto the finding of its own breach', 'Recuse the bound parties (`recuse: parties`) and take their veto away; a party should never sit in judgment of its own breach.'),
  define('ambiguity', 2004, 'judgment-member-can-block', 'info', 'Under {how}, any one of {count} voting member(s) can block a declaration: a violator needs only one friend on the body', 'Decide by majority, qualified majority or reverse consensus, so that no single member can stop a finding.'),
  define('ambiguity', 2005, 'judgment-deadlock', 'warning', 'The judgment body is two-sided ({sides}) with no tie-break: either side can deadlock every finding', 'Add a neutral member or a `tie-break` (a neutral actor, or `declare`).'),
  define('ambiguity', 2006, 'judgment-no-deadline', 'warning', 'The judgment has no deadline: a violator (or a reluctant member) can delay the decision indefinitely', 'Give the body a `deadline` (48h is common for monitoring commissions) and an `on-deadline` rule.'),
  define('ambiguity', 2007, 'judgment-no-default', 'warning', 'When the judgment deadline passes {what}: a violator can run out the clock', 'Set `on-deadline: declare`, so that the monitors\' finding stands unless the body dismisses it in time.'),
  define('ambiguity', 2008, 'severity-without-response', 'warning', 'Severity `{severity}` (trigger `{trigger}`) has no response: a breach judged `{severity}` costs the violator nothing', 'Add a tier `responses.{severity}` with at least one material action (sanctions, air-defence surge, reinforcement, ...).'),
  define('ambiguity', 2009, 'non-material-tier', 'warning', 'The response to `{severity}` is only {actions}: at this level a violator faces talk, not cost', 'Add a material action to the tier (sanctions, weapons delivery, air-defence surge, reinforcement, ...); consultation and reports change nothing the violator can do.'),
  define('ambiguity', 2010, 'hedge-wording', 'warning', '"{phrase}" in {clause} leaves the obligation to the obligor\'s discretion: it can be met by doing nothing', 'Replace the hedge with an operational obligation: who does what, by when ("{phrase}" is the kind of wording a reluctant guarantor relies on).'),
  define('ambiguity', 2011, 'response-no-time-limit', 'warning', 'Response `{action}` by {by} (`{severity}`) has no time limit: it can arrive after the violator has finished', 'Give it `within:` a duration; "immediately" and "forthwith" are not deadlines a commission can enforce.'),
  define('ambiguity', 2012, 'no-triggers', 'warning', 'The package has {count} prohibition(s) but no trigger: no violation, however grave, opens a breach case', 'Add `triggers`: which prohibitions, what evidence, how many events in what window, and which severity that makes.'),
  define('ambiguity', 2014, 'count-without-window', 'warning', 'Trigger `{trigger}` counts {count} violations but sets no window (`within`): a violator can space them out and put off the case indefinitely', 'Say within what time the violations must fall: `within: 24h`.'),
  define('ambiguity', 2013, 'no-responses', 'warning', 'The package has no response to any breach: a violator faces no cost at all', 'Add `responses` per severity: who does what, by when after the declaration, automatic or not.'),

  // Verification: who sees a violation, and whether they can be trusted to say so.
  define('verification', 2200, 'undetected-activity', 'warning', 'No source can detect {activity} under prohibition `{prohibition}`{where}: a violator can do it unseen', 'Add a verification source whose `detects` includes `{activity}` and whose `covers` reaches the zone.'),
  define('verification', 2201, 'independence-unmet', 'warning', 'Trigger `{trigger}` demands {k} independent sources, but only {n} operator(s) ({operators}) can see {activity}: the trigger can never fire on it', 'Add a source run by another operator that detects `{activity}` there, or lower `independent-sources` for this trigger.'),
  define('verification', 2202, 'uncovered-zone', 'warning', 'No verification source covers zone `{zone}`: what happens there is seen by nobody', 'Add `{zone}` (or a zone that overlaps it) to a source\'s `covers`, or a source without `covers`.'),
  define('verification', 2203, 'party-verification', 'warning', 'Every verification source is operated by a party ({operators}): a violator can deny or dispute every finding', 'Add a source operated by a monitor or a guarantor that is not bound by the prohibitions.'),
  define('verification', 2204, 'no-verification', 'warning', 'The package has no verification source: none of its {count} prohibited activities can be observed', 'Add `verification` sources: kind, operator, coverage, revisit, latency and what each detects.'),

  // Control: a zone nobody polices or secures is an opening.
  define('control', 2400, 'uncontrolled-zone', 'warning', 'Nobody polices or secures zone `{zone}`{monitored}: a violator can move into it and hold it', 'Add a `control` entry for `{zone}` naming who polices and who secures it.'),
  define('control', 2401, 'uncontrolled-domain', 'warning', 'Nobody polices or secures the {domain} domain of zone `{zone}`, where `{prohibition}` forbids {activities}', 'Add `{ zone: {zone}, domain: {domain}, polices: ..., secures: ... }` to `control`.'),
  define('control', 2402, 'no-zones', 'info', 'The package defines no zones: where the guarantee applies, and who controls it, is not stated', 'Define the line, buffers and areas the prohibitions refer to, and who polices and secures each.'),

  // Delay: ground gained before the response arrives.
  define('delay', 2500, 'slow-material-response', 'warning', 'Trigger `{trigger}`: in the worst case the first material response ({action}) is due {worst}, beyond {limit}', 'Shorten the judgment deadline or the response\'s `within`, or make the first material action `automatic: true`.'),
  define('delay', 2501, 'depth-before-response', 'warning', 'Trigger `{trigger}`: at the assumed {rate}, a violator can gain {depth} before the first material response, deeper than {limit}', 'Bring the first material response forward (automatic, shorter windows, faster detection) or widen the buffer.'),
  define('delay', 2502, 'no-material-response', 'warning', 'Trigger `{trigger}` never leads to a material response ({why}): a violator at this level faces nothing it must fear', 'Give the trigger\'s severity a material action that a declaration (or the trigger itself) sets in motion.'),
  define('delay', 2503, 'national-decision', 'info', 'Trigger `{trigger}`: the first material response ({action}) waits for a national decision, assumed to take {decision}', 'Mark the action `automatic: true` if it needs no further national decision, or pre-authorise it.'),
  define('delay', 2504, 'missing-assumption', 'info', 'No `assumptions.{assumption}`: {consequence}', 'State the assumption, so that the analysis can show what it implies.'),

  // Decay: commitments lapse at elections and budget rounds once the headlines fade.
  define('decay', 2600, 'sustainment-shortfall', 'warning', '`{requirement}` is {coverage} covered on average over the horizon ({short} of {months} months below half): a violator can wait for the shortfall', 'Add or extend commitments to `{requirement}` until they meet the requirement month by month.'),
  define('decay', 2601, 'commitment-cliff', 'warning', 'Commitment {n} ({by}, `{requirement}`) ends in {month}, {left} before the horizon: coverage drops from {before} to {after}', 'Extend the commitment to the horizon (`until`), or line up its successor before it ends.'),
  define('decay', 2602, 'election-risk', 'warning', 'The {form} commitment {n} ({by}, `{requirement}`) runs past {by}\'s election on {date}: it is at risk from then on', 'Put the commitment in a form that survives a change of government (treaty or appropriation law), or end it before the election and plan its renewal.'),
  define('decay', 2603, 'lead-time-gap', 'warning', 'Commitment {n} ({by}, `{requirement}`) takes {lead} to deliver, longer than the {stock} the stocks cover', 'Pre-position stock for at least the lead time, or order earlier.'),
  define('decay', 2604, 'single-guarantor', 'warning', '{by} carries {share} of what is committed to `{requirement}`: one government\'s decision can withdraw most of it', 'Spread the requirement across guarantors, so that no single one carries more than half.'),
  define('decay', 2605, 'nothing-committed', 'info', 'The package states no sustainment requirements or commitments: nothing says who pays or supplies what, or for how long', 'State what the guarantee needs per year and who commits what, in which legal form, until when.'),
  define('decay', 2606, 'requirement-uncommitted', 'warning', 'Nobody commits anything to `{requirement}`', 'Add a commitment that `provides: {requirement}`.'),
  define('decay', 2607, 'unconverted-currency', 'warning', 'No exchange rate from {currency} to {target} in `assumptions.fx`: {clause} is left out of the sums', 'Add `{currency}: <rate> {target}` to `assumptions.fx`.'),
  define('decay', 2608, 'non-binding-response', 'warning', 'The `{action}` obligation of {by} (`{severity}`) is {form}: it can lapse without any breach of law', 'Anchor the obligation in a ratified treaty or a law, so that it outlives the government that made it.'),
];
