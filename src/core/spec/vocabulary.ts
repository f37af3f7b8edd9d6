/**
 * The closed vocabularies of the package language. Closed on purpose: an unknown word is an error with a
 * "did you mean", never a silently new category that no trigger, source or response knows about.
 */

export const roles = ['party', 'protected', 'guarantor', 'monitor', 'force', 'mediator', 'body', 'coalition'] as const;

export const activities = [
  'artillery-fire',
  'mortar-fire',
  'small-arms-fire',
  'missile-strike',
  'drone-strike',
  'air-strike',
  'naval-strike',
  'ground-advance',
  'troop-presence',
  'heavy-weapon-presence',
  'reinforcement',
  'overflight',
  'naval-incursion',
  'mine-laying',
  'denial-of-access',
  'jamming',
  'nuclear-use',
  'nuclear-threat',
  'economic-coercion',
  'radar-emission',
  'blockade',
] as const;

/** Activities that are attacks on the monitors themselves: findings in their own right (OSCE SMM practice). */
export const accessActivities: readonly Activity[] = ['denial-of-access', 'jamming'];

/**
 * Activities with no place near a contact line: a threat or coercion is the same act wherever it is made, and an
 * attack on the monitors is one wherever they are. A prohibition of these alone reads naturally as territory-wide.
 */
export const placelessActivities: readonly Activity[] = [
  'nuclear-use',
  'nuclear-threat',
  'economic-coercion',
  ...accessActivities,
];

export const weaponClasses = [
  'small-arms',
  'mortar',
  'artillery-under-100mm',
  'artillery-100mm-plus',
  'mlrs',
  'mlrs-heavy',
  'tactical-missile',
  'cruise-missile',
  'ballistic-missile',
  'tank',
  'armoured-vehicle',
  'combat-aircraft',
  'attack-helicopter',
  'strike-uav',
  'air-defence',
  'warship',
  'nuclear',
] as const;

export const sourceKinds = [
  'satellite',
  'uav',
  'radar',
  'acoustic',
  'seismic',
  'air-defence-track',
  'patrol',
  'inspection-team',
  'fixed-camera',
  'open-source',
  'national-intelligence',
] as const;

export const domains = ['land', 'air', 'sea'] as const;

/** `unpublished`: the body's rule is not in the text (or not public); the analysis reasons about its worst case. */
export const ruleTypes = [
  'majority',
  'qualified-majority',
  'unanimity',
  'consensus',
  'reverse-consensus',
  'unpublished',
] as const;

/** How a coalition or bloc (an actor with `members`) decides to act. */
export const coalitionRules = ['unanimity', 'consensus', 'majority', 'qualified-majority', 'unpublished'] as const;

/** Steps a dispute goes through before the body decides: a ladder (negotiation, then conciliation, ...). */
export const stageKinds = ['negotiation', 'consultation', 'joint-commission', 'conciliation', 'mediation'] as const;

/** How an agreement's term is renewed when it runs out. */
export const renewals = ['automatic', 'decision', 'none'] as const;
/** How the armed conflict before the agreement ended (`context.ending`; docs/language.md): one side's victory or not. */
export const warEndings = ['victory', 'no-victory', 'no-war'] as const;
/** Its highest intensity in the episode the agreement ended (`context.intensity`): war is 1,000 battle deaths a year or more. */
export const warIntensities = ['war', 'minor', 'no-war'] as const;

/** What a force limit counts: personnel, or a weapon class. */
export const limitUnits = ['personnel', ...weaponClasses] as const;

export const deadlineDefaults = ['declare', 'dismiss', 'no-decision'] as const;

export const responseActions = [
  'consult',
  'public-report',
  'referral',
  'investigation',
  'mediation',
  'sanctions',
  'sanctions-snapback',
  'financial-support',
  'intelligence-support',
  'weapons-delivery',
  'air-defence-surge',
  'reinforce',
  'deploy-force',
  'mutual-defence',
  'use-of-force',
  'unspecified-measures',
] as const;

/**
 * Actions that change what the violator can do or what it costs: the rest (talk, reports, referral) are not
 * material responses, whatever their political weight.
 */
export const materialActions: ReadonlySet<ResponseAction> = new Set<ResponseAction>([
  'sanctions',
  'sanctions-snapback',
  'financial-support',
  'intelligence-support',
  'weapons-delivery',
  'air-defence-surge',
  'reinforce',
  'deploy-force',
  'mutual-defence',
  'use-of-force',
]);

/** Groups usable wherever actors are named: `by: guarantors`. */
export const actorGroups = ['guarantors', 'parties', 'monitors', 'members'] as const;

/** `intent` is money or materiel stated only as an intention ("intends to provide"): no obligation at all. */
export const legalForms = ['treaty', 'appropriation-law', 'executive', 'political', 'intent'] as const;

/**
 * What starts a response's clock: the judgment body's `declaration`, or the `trigger` itself when each responder
 * judges for itself (North Atlantic Treaty Art. 5; US-ROK Mutual Defense Treaty Art. III).
 */
export const responseStarts = ['declaration', 'trigger'] as const;

/** `level` is a level to sustain (a standing force of N troops), not a quantity per period. */
export const periods = ['month', 'quarter', 'year', 'once', 'level'] as const;

export const escalationSteps = ['reminder', 'escalate', 'public-mark'] as const;

export type Role = (typeof roles)[number];
export type Activity = (typeof activities)[number];
export type WeaponClass = (typeof weaponClasses)[number];
export type SourceKind = (typeof sourceKinds)[number];
export type Domain = (typeof domains)[number];
export type RuleType = (typeof ruleTypes)[number];
export type DeadlineDefault = (typeof deadlineDefaults)[number];
export type ResponseAction = (typeof responseActions)[number];
export type ActorGroup = (typeof actorGroups)[number];
export type LegalForm = (typeof legalForms)[number];
export type ResponseStart = (typeof responseStarts)[number];
export type Period = (typeof periods)[number];
export type EscalationStep = (typeof escalationSteps)[number];
export type CoalitionRule = (typeof coalitionRules)[number];
export type StageKind = (typeof stageKinds)[number];
export type Renewal = (typeof renewals)[number];
export type LimitUnit = (typeof limitUnits)[number];
