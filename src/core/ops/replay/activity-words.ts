/**
 * What was fired, from the source's own words (docs/operations/replay.md, "Activity from the words").
 *
 * Event datasets say who fought, where and when, and how many died, but not with what: UCDP GED has no weapon
 * field, and its dyad ("Government of Russia - Government of Ukraine") says nothing about shelling versus a
 * missile. Its headlines often do ("killed in shelling", "hit Pavlohrad with rockets", "Aerospace Forces struck").
 * The rules below read them. They are data: an ordered table of word patterns per activity, written from how
 * English-language wires and translated Ukrainian and Russian reports name weapons, before any count was made on
 * the labelled sample (examples/data/ucdp-ged/activity-sample.csv; the commit order shows it).
 *
 * Two tiers. A weapon word (a missile, a rocket launcher, an aircraft, a drone, a sniper) names the means; when
 * several are named, the one written first wins (the lead of a report names the event, later headlines add
 * context). Only when no weapon word is present does a generic word decide: "shelling" is artillery in the
 * Donbas sense (mortars, guns and rocket artillery alike). Words that name a target rather than a means
 * ("destroyed a howitzer", "a tank", "an ammunition depot") are deliberately absent, and so are "strike", "hit",
 * "attack" and "fire damage", which say a blow fell but not what delivered it: those events stay `undetermined`.
 * A weapon word that is the object of a destruction is a target too (`isTarget`). These two changes (the target
 * reading and "fired on") were made after the first sample's errors, before the second sample was run. The tally
 * reading (`tally`) and the blaze reading of a bare "Fire at" were made after the second sample's errors, before a
 * third sample was drawn. The period's readings (`rocketReading`: "rockets" were MLRS in the 2014-2022 Donbas
 * wires), aircraft words, shoot-downs as air defence and device bombings were written from how those sources word
 * events, after the third sample and before a fourth was drawn. The target reading's places, passives and users
 * (`isTarget`) were widened after the fifth sample's errors, and again after the sixth's (lists before a passive,
 * "sites of", units with no strike, handled weapons, "patriot" as a person, "shot down" a car, tanks), each before
 * the next sample was drawn.
 */
import type { Activity } from '../../spec/vocabulary.js';
import { itemAt } from '../../item-at.js';

export type WordActivity = Extract<
  Activity,
  'artillery-fire' | 'missile-strike' | 'air-strike' | 'drone-strike' | 'small-arms-fire'
>;

/** Aircraft, as words inside the shoot-down verb "down" ("rebels down helicopter"). */
const aircraftWords = 'helicopters?|planes?|airplanes?|aircraft|jets?|drones?|su-\\d+|mi-\\d+|il-\\d+|an-\\d+';

/**
 * "Fired at" a vehicle or one person is not shelling: a car or a man is fired at with whatever was at hand, and
 * the words do not say with what.
 */
const notAtOne =
  '(?!\\s+(?:(?:a|an|the|two|three|several|civilian|private|passing|evacuation|humanitarian|aid|refugee|military|his|her|their|local|young|elderly)\\s+)*(?:cars?|vehicles?|bus(?:es)?|minibus(?:es)?|trucks?|ambulances?|convoys?|man|woman|boy|girl|child|person|ukrainian|drivers?|cyclists?|pedestrians?|family)\\b(?!\\s+(?:stops?|stations?|depots?|parks?)\\b))';

/**
 * What "shot down" hits when it is not an aircraft: a car, a vehicle or people ("shot down a car with a woman and a
 * child") were shot, with a gun; the verb names no shoot-down.
 */
const groundObject =
  '\\s+(?:(?:a|an|the|two|three|several|civilian|private|passing|evacuation|humanitarian|aid|refugee|military|his|her|their|local|young|elderly)\\s+)*(?:cars?|vehicles?|bus(?:es)?|minibus(?:es)?|trucks?|ambulances?|m[ae]n|wom[ae]n|boys?|girls?|child(?:ren)?|persons?|people|civilians?|drivers?|cyclists?|pedestrians?|famil(?:y|ies)|residents?|volunteers?)\\b';

export interface WordRule {
  activity: WordActivity;
  /** The activity is the period's reading of "rocket" (`WordContext.rockets`), not `activity`. */
  rocket?: true;
  /** `weapon` words name the means and beat `generic` ones wherever they stand. */
  tier: 'weapon' | 'generic';
  /** Case-insensitive regular-expression sources, matched at word starts. */
  words: readonly string[];
  why: string;
}

export const activityWordRules: readonly WordRule[] = [
  {
    activity: 'artillery-fire',
    tier: 'weapon',
    words: [
      'mlrs',
      'multiple[- ]rocket',
      'rocket launchers?',
      'rocket artillery',
      'grads?\\b',
      'gradov',
      'uragan',
      'hurricanes?\\b',
      'smerch',
      'tornado',
      'himars',
      'artillery',
      'artillerym[ae]n',
      'mortars?\\b',
      'mortar fire',
      'howitzers?\\b',
      'self-propelled (?:guns?|howitzers?|artillery)',
      'd-(?:20|30)\\b',
      '2s\\d+',
      '2a(?:36|65)\\b',
      'msta',
      'giatsint',
      'hyacinth',
      'akatsi?ya',
      'gvozdika',
      'pion\\b',
      'malka',
      'tyulpan',
      'nona\\b',
      'm777',
      'm109',
      'paladin',
      'pzh[- ]?2000',
      'caesars?\\b',
      'krab\\b',
      'bohdana',
      'zuzana',
      'bm-(?:21|27|30)\\b',
      'tos-1',
      'solntsepek',
      'buratino',
      'rm-70',
      'm270',
      'gmlrs',
      'vilkha',
      'bureviy',
      'cannons?\\b',
      'fire missions?',
      'unguided rockets?',
      '(?<!machine[- ]|anti-aircraft |anti-tank )gunners?\\b',
      '(?:fired|fires|firing|launched|launch(?:es|ing)?)\\s+(?:\\S+\\s+){0,2}mines\\b',
      'mines?\\s+(?:hit|hits|landed|arrived|flew)\\b',
    ],
    why: 'guns, mortars and rocket artillery (MLRS: Grad, Uragan "Hurricane", Smerch, Tornado, HIMARS, M270, TOS-1; guns and howitzers by name: D-20, D-30, Msta, the 2S series, M777, M109, PzH 2000, Caesar, Krab, Bohdana) are the indirect fire the Minsk withdrawal lines were drawn for; HIMARS "missiles" are guided MLRS rockets; gunners serve guns (not machine or anti-aircraft gunners); "mines" fired or launched, or a "mine" that hit or landed, are mortar bombs (mina), not landmines',
  },
  {
    activity: 'missile-strike',
    tier: 'weapon',
    words: [
      'missiles?\\b',
      'iskanders?',
      'kalibrs?',
      'kinzhals?',
      'tochka',
      'oniks',
      'onyx',
      'zircon',
      'tsirkon',
      'oreshnik',
      'kn-23',
      'atacms',
      'storm shadows?',
      'scalp',
      'taurus',
      'neptunes?\\b',
      'tomahawks?',
      `(?<!\\b(?:true|real|great|brave|genuine|young|ardent|devoted|sincere|fervent|passionate|loyal|proud)\\s)patriots?\\b(?!\\s+of\\b)`,
      'iris-t',
      'nasams',
      's-300',
      's-400',
      'kh-\\d+',
      'cruise',
      'ballistic',
      'buks?\\b',
      'manpads',
      'stingers?\\b',
      `shot down(?!${groundObject})`,
      `shoots? down(?!${groundObject})`,
      'downed',
      'brought down',
      `downs?\\s+(?:\\S+\\s+){0,2}(?:${aircraftWords})`,
    ],
    why: 'an aircraft shot down was hit by a surface-to-air missile (Buk, MANPADS) in nearly every case of this war: a shoot-down is air defence, recorded as the missile that did it, never as an air strike',
  },
  {
    activity: 'missile-strike',
    tier: 'weapon',
    rocket: true,
    words: ['rocket attacks?', 'rockets?\\b(?! artillery)'],
    why: '"rocket" names a missile or rocket artillery by the period (`rocketReading`): in the 2014-2022 Donbas war the English wires\' "rockets" were Grad, Uragan and Smerch salvoes (MLRS); in the reports translated from Ukrainian and Russian since 24 February 2022, "rocket" (raketa) is a missile',
  },
  {
    activity: 'air-strike',
    tier: 'weapon',
    words: [
      'air ?strikes?',
      'air(?=\\s*(?:and|/|,)\\s*(?:missile|drone|rocket|artillery)\\s+(?:strikes?|attacks?|raids?)\\b)',
      'air raids?',
      'aviation',
      'aerospace forces',
      'warplanes?',
      'sorties?',
      'bombing',
      'bombed',
      'bombs\\b',
      'glide bombs?',
      'kabs?\\b',
      'fab-\\d+',
      'umpk',
      'jdams?\\b',
      'aerial bomb(?:s|ardments?)?\\b',
      'air bombardments?',
      'helicopter gunships?',
      'gunships?',
      '(?:fighter )?jets?\\b',
      '(?<!anti-|anti |attack |transport |cargo |passenger |civilian )aircraft',
      '(?<!anti-|anti )helicopters?',
      '(?<!passenger |civilian |transport |cargo |airliner )planes?\\b',
      'su-\\d+',
      'mig-\\d+',
      'mi-(?:8|24|28|35)\\b',
      'ka-5\\d',
    ],
    why: 'aviation and the Russian Aerospace Forces (VKS) deliver air strikes: warplanes, jets, aircraft (not "attack aircraft", the translation of shturmoviki, assault troops), helicopters and their type names; "air raid" in a report (not an alert) is a strike. A bombing is an air strike only when no explosive device is meant (`deviceBombing`: a car, elevator or roadside bomb, a planted bomb)',
  },
  {
    activity: 'drone-strike',
    tier: 'weapon',
    words: [
      'drones?\\b',
      'uavs?\\b',
      'kamikaze',
      'shaheds?',
      'geran',
      'lancets?',
      'loitering',
      'fpv',
      '(?:quad|multi|hexa)?copters?\\b',
      'unmanned',
      'molniya',
      'orlan',
      'mavic',
      'baba yaga',
      'bayraktar',
      'italmas',
      'gerbera',
      'lyutyi',
      'liutyi',
      'mohajer',
    ],
    why: 'strike, kamikaze and reconnaissance drones by kind and name (FPV, quadcopters, Shahed/Geran, Lancet, Molniya, Orlan, Mavic, Baba Yaga, Bayraktar, Lyutyi), and anything unmanned',
  },
  {
    activity: 'small-arms-fire',
    tier: 'weapon',
    words: [
      'snipers?',
      'small arms',
      'small-arms',
      'machine[- ]guns?',
      'gunfire',
      'gunmen',
      'shot dead',
      `shot\\b(?! down\\b(?!${groundObject}))`,
      'gunshots?',
      'bullets?\\b',
      'rifles?\\b',
      'automatic weapons',
    ],
    why: 'rifles and machine guns; a sniper is small-arms fire; people "shot" (not shot down, except a car or people "shot down") were shot with a gun',
  },
  {
    activity: 'artillery-fire',
    tier: 'generic',
    words: [
      'shell(ing|ings|ed|s)?\\b',
      'shellfire',
      `fired (on|at|upon)\\b${notAtOne}`,
      `(?<!(?:^|;|\\b(?:a|an|the|this|that|caught|catch(?:es)?)\\s)\\s*)fires? (on|at|upon)\\b${notAtOne}`,
      `firing (on|at|upon)\\b${notAtOne}`,
      'under (the )?fire\\b',
      '(?<!air |aerial )bombard(?:ments?|ed|ing)\\b',
    ],
    why: '"shelling" (obstril) is the common word for indirect fire, and the same word is translated "fired on" a place or "under fire"; it is read as artillery only when no weapon word says otherwise. A bare "fire(s) at/on" is the verb only after a subject: at a headline\'s start, after an article or after "caught" it is a blaze ("Fire at the site of an explosion", "a fire at the depot")',
  },
];

/**
 * A weapon word that is the object of a destruction ("destroyed two drones", "destroyed the mortar crew", "lost 89
 * drones") names a target, not the means: it is skipped, unless a word saying how ("with", "by", "from", "using",
 * "as a result of", "during") stands between the verb and it. Only within one clause of one headline (a headline,
 * or its part before ":", ".", "!", "?" or a dash), and not the verbs that are themselves weapon words ("shot
 * down"). "Lost" is a loss of equipment, not of a life, a limb or a home.
 */
const destroyed =
  /\b(?:destroy(?:ed|s|ing)?|shot down|shoots? down|downed|intercept(?:ed|s)?|eliminat(?:ed|es)|liquidat(?:ed|es)|neutrali[sz](?:ed|es)|captur(?:ed|es)|seiz(?:ed|es)|worked (?:on|out)|los(?:t|es|ing)\b(?!\s+(?:(?:his|her|their|its|one's|a|an|the|two|three|several|many)\s+)?(?:li(?:fe|ves)|limbs?|legs?|arms?|hands?|eyes?|sight|hearing|homes?|house|houses|relatives?|parents?|children|child|sons?|daughters?|husband|wife|contact|power|electricity|consciousness)\b))/gi;
/**
 * A weapon that is found, removed, defused, picked up or touched (a fallen or unexploded one: "tried to remove a
 * drone from his yard") is the verb's object, within three words of it, not the means of a strike.
 */
const handled =
  /\b(?:remov(?:e|ed|es|ing)|defus(?:e|ed|es|ing)|disarm(?:ed|s|ing)?|dismantl(?:e|ed|es|ing)|pick(?:ed|s|ing)? up|found|touch(?:ed|es|ing)?)\s+(?:[\w-]+\s+){0,3}$/i;
const means = /\b(?:with|by|from|using|as a result of|due to|during|amid|because of|after)\b/i;
/** Where a clause ends, for the target reading: a new headline, a sentence's end, a colon, a dash between words. */
const clauseEnd = /;|[.!?:](?:\s|$)|\s[-–—]\s/g;

/**
 * What a weapon word names when a noun for a place, a thing or a vessel follows it ("UAV control center", "drone
 * depot", "missile corvette", "UAV command posts", "drone production"), also after a noun for its users or its
 * equipment ("UAV operator training center"): that place or thing, always a target, never the means; and the same
 * when the weapon word follows such a place and "of" ("launch sites of Russian drones"). Nouns for its equipment
 * ("missile systems", "launchers") are skipped over. A noun for its users or their unit ("drone operators", "drone
 * pilots", "UAV crews", "UAV units", "missile platoon") is read as the means only when they act (a verb of striking
 * follows in the clause, or "by", "with", "from" or "using" stands before the word): a unit named, moved,
 * concentrated or blown up in a car is no strike by its weapon; a target when they are the object or the passive
 * subject of a destruction.
 */
const placeNouns =
  '(?:cent(?:er|re)s?|points?|posts?|bases?|depots?|warehouses?|hangars?|factor(?:y|ies)|plants?|workshops?|sites?|pads?|production|facilit(?:y|ies)|corvettes?|ships?|boats?|carriers?|cruisers?|frigates?|airfields?|headquarters|schools?|academ(?:y|ies)|barracks)';
const placeHead = new RegExp(
  `^[\\s-]+(?:(?:control|command|launch|assembly|storage|repair|production|training)\\s+)?${placeNouns}\\b`,
  'i',
);
const placeOf = new RegExp(
  `\\b(?:${placeNouns}|positions?|locations?|storage|deployment|accumulations?|concentrations?|stockpiles?)\\s+of\\s+(?:[\\w-]+\\s+){0,2}$`,
  'i',
);
const equipmentHead = /^[\s-]+(?:launchers?|systems?|installations?|complex(?:es)?)\b/i;
const usersHead =
  /^[\s-]+(?:operators?|pilots?|crews?|teams?|specialists?|controllers?|units?|platoons?|batter(?:y|ies)|battalions?|compan(?:y|ies)|regiments?|brigades?|divisions?|departments?|squads?|detachments?|troops)\b/i;
/** Verbs of striking, for a weapon's users who act ("drone operators hit a tank", "UAV crews destroyed"). */
const acts =
  /\b(?:struck|strikes?|striking|hit|hits|hitting|destroy(?:ed|s|ing)?|attack(?:ed|s|ing)?|eliminat(?:ed|es|ing)|kill(?:ed|s|ing)?|wound(?:ed|s|ing)?|fired?|fires|firing|launch(?:ed|es|ing)?|dropp(?:ed|ing)|drops?|target(?:ed|s|ing)?|burn(?:ed|t|s|ing)?|hunt(?:ed|s|ing)?|work(?:ed|s|ing)?|shell(?:ed|s|ing)|blew up|blow(?:s|ing)? up|took out|tak(?:e|es|ing) out|shot|shoot(?:s|ing)?|down(?:ed|s)?|neutrali[sz](?:ed|es|ing)|liquidat(?:ed|es|ing)|damag(?:ed|es|ing)|disabl(?:ed|es|ing)|repel(?:led|s|ling)?|inflict(?:ed|s|ing)?|wip(?:ed|es|ing) out|smash(?:ed|es|ing)?|demolish(?:ed|es|ing)?|pound(?:ed|s|ing)?|defeat(?:ed|s|ing)?|us(?:ed|es|ing)|conduct(?:ed|s|ing)?|disrupt(?:ed|s|ing)?|suppress(?:ed|es|ing)?|engag(?:ed|es|ing)|repuls(?:ed|es|ing)|carr(?:ied|ies|ying) out|show(?:ed|s|n)?|film(?:ed|s)?|footage|video)\b/i;
/** After the users' noun, a passive ("operators were blown up") is done to them, whatever verb follows. */
const auxNext = /^\s*(?:was|were|is|are|been|being|(?:has|have|had) been)\b/i;
const byMeans = /\b(?:with|by|from|using)\s+(?:[\w-]+\s+){0,3}$/i;

/**
 * The passive after the word (or after its head noun): "helicopter downed", "plane shot down", "drone was
 * destroyed", "drone pilots eliminated by", "UAVs destroyed near Kupiansk". A bare participle counts only for the
 * shoot-down verbs, or when "by", a place preposition or the clause's end follows it, since "drones destroyed the
 * column" is the drones acting.
 */
const passive =
  /^[\w-]*["»”]?(?:\s+(?:["«“][^"»”]{1,20}["»”]|[\w-]*\d[\w-]*)){0,2}(?:\s+with\s+(?:its\s+|their\s+)?\w+)?[\s,]*(?:(?:(?:was|were|is|are|being|got|gets|(?:has|have|had) been)\s+(?:destroyed|intercepted|damaged|hit|eliminated|liquidated|neutrali[sz]ed)\b)|(?:(?:was|were|is|are|being|(?:has|have|had) been)\s+)?(?:shot down|downed|brought down|crash(?:ed|es)?)\b|(?:destroyed|eliminated|liquidated|neutrali[sz]ed|intercepted)(?:\s+(?:by|near|in|at|on|over)\b|\s*$))/i;

/**
 * The weapon word first in a list of things before a passive destruction ("9 helicopters, an air-defence system and
 * a depot destroyed at the airfield"): the list is what was destroyed, so the word is a target. Not the shoot-down
 * verbs, which follow a count of what was launched ("50 drones, 40 shot down": the drones struck).
 */
const listPassive =
  /^[\w-]*["»”]?(?:\s*,\s*[^,;]{1,50}?|\s+and\s+[^,;]{1,50}?)+[\s,]*(?:(?:was|were|is|are|being|got|gets|(?:has|have|had) been)\s+(?:destroyed|eliminated|liquidated|neutrali[sz]ed|damaged|hit)\b|(?:destroyed|eliminated|liquidated|neutrali[sz]ed|damaged)(?:\s+(?:by|near|in|at(?!\s+(?:least|most)\b)|on|over)\b|\s*$))/i;

function clauseOf(text: string, at: number): { from: number; to: number } {
  let from = 0;
  let to = text.length;
  clauseEnd.lastIndex = 0;
  for (let m = clauseEnd.exec(text); m; m = clauseEnd.exec(text)) {
    if (m.index + m[0].length <= at) from = m.index + m[0].length;
    else if (m.index >= at) {
      to = m.index;
      break;
    }
  }
  return { from, to };
}

function isTarget(text: string, at: number, word: string): boolean {
  destroyed.lastIndex = 0;
  if (destroyed.test(word)) return false;
  const { from, to } = clauseOf(text, at);
  let after = text.slice(at + word.length, to);
  const before = text.slice(from, at);
  if (placeHead.test(after) || placeOf.test(before)) return true;
  let users = false;
  for (let i = 0; i < 3; i++) {
    const head = usersHead.exec(after) ?? equipmentHead.exec(after);
    if (!head) break;
    users ||= usersHead.test(head[0]);
    after = after.slice(head[0].length);
    if (placeHead.test(after)) return true;
  }
  if (passive.test(after) || listPassive.test(after)) return true;
  if (users && !byMeans.test(before) && (auxNext.test(after) || !acts.test(after))) return true;
  if (handled.test(before)) return true;
  let last = -1;
  destroyed.lastIndex = 0;
  for (let m = destroyed.exec(before); m; m = destroyed.exec(before)) last = m.index + m[0].length;
  return last >= 0 && !means.test(before.slice(last));
}

/**
 * A munition word followed by its launcher of another class ("missiles from HIMARS", "rockets fired by a Grad"):
 * the launcher names what was fired (HIMARS and Grad "missiles" are rocket artillery), so the munition word is
 * dropped in its favour.
 */
const munition = /^(?:missiles?|rockets?)$/i;
const byLauncher = /^\s+(?:(?:fired|launched)\s+)?(?:from|by|of)\s+(?:(?:a|an|the)\s+)?(?:[\w-]+\s+)?$/i;

/**
 * A bombing by an explosive device, not from the air: "car bombing", "elevator bombing", "roadside bomb", or a
 * headline that says the bomb was planted or was an explosive device. Such a bomb word names no air strike.
 */
const deviceBefore =
  /\b(?:car|cars|vehicle|truck|bus|elevator|lift|cafe|café|restaurant|suicide|roadside|terrorist|terror|letter|parcel|pipe)\s+$/i;
const deviceHeadline = /\b(?:planted|explosive devices?|ieds?|improvised|booby[- ]trap\w*)\b/i;

function deviceBombing(text: string, at: number, word: string, from: number, to: number): boolean {
  return /^bomb/i.test(word) && (deviceBefore.test(text.slice(from, at)) || deviceHeadline.test(text.slice(from, to)));
}

/**
 * "patriot" in lower case is a person ("a patriot of Ukraine", "a true patriot"), unless a word for the system
 * follows it; the system is written "Patriot".
 */
const patriotSystem =
  /^\s+(?:systems?|batter(?:y|ies)|launchers?|complex(?:es)?|missiles?|sams?|air[- ]defen[cs]e|pac-?\d|interceptors?)\b/i;

function personPatriot(text: string, at: number, word: string): boolean {
  return /^patriot/.test(word) && !patriotSystem.test(text.slice(at + word.length));
}

/**
 * A generic word said of tanks ("shelled the village from tanks", "tank shelling", "fired at them with a tank"): a
 * tank's gun is direct fire of no class the labels use, so the word decides nothing. The tanks must follow the word
 * in its own part of the clause (no comma or "and" between), or stand right before it.
 */
const tanksAfter = /^[^,;]*?\b(?:from|with|by|using)\s+(?:[\w-]+\s+){0,2}tanks?\b/i;

function tankFire(text: string, at: number, word: string): boolean {
  const { from, to } = clauseOf(text, at);
  const after = text.slice(at + word.length, to);
  const own = tanksAfter.exec(after);
  return (own !== null && !/\band\b/i.test(own[0])) || /\btanks?\s+$/i.test(text.slice(from, at));
}

/** The period's readings of words whose referent changed with the war's weapons (docs/operations/replay.md). */
export interface WordContext {
  /** What "rocket(s)" and "rocket attack" name: a missile (the default), or rocket artillery. */
  rockets?: 'missile-strike' | 'artillery-fire';
}

/** The first day of Russia's full-scale invasion of Ukraine. */
const fullScale = '2022-02-24';

/**
 * "Rocket" by the period: in the Donbas war before 24 February 2022 the wires' "rockets" were MLRS salvoes (Grad,
 * Uragan, Smerch; missiles were named as such: Tochka); from that day the reports translated from Ukrainian and
 * Russian say "rocket" (raketa) for missiles. Other conflicts keep the default (missile) until a source of theirs
 * is read and documented.
 */
export function rocketReading(day: string, country: string): WordContext {
  const ukraine = country === '' || /\b(?:ukraine|russia)\b/i.test(country);
  return ukraine && day < fullScale ? { rockets: 'artillery-fire' } : {};
}

interface Compiled {
  activity: WordActivity;
  tier: 'weapon' | 'generic';
  rocket: boolean;
  re: RegExp;
}

const compiled: readonly Compiled[] = activityWordRules.map((r) => ({
  activity: r.activity,
  tier: r.tier,
  rocket: r.rocket === true,
  re: new RegExp(`\\b(?:${r.words.join('|')})`, 'gi'),
}));

export interface WordMatch {
  activity: WordActivity | 'undetermined';
  /** The word that decided, as written; absent for `undetermined`. */
  word?: string;
}

interface Found {
  at: number;
  end: number;
  activity: WordActivity;
  word: string;
}

/** The weapon-tier words of one headline that are not targets, in order, adjacent words of one activity joined. */
function weaponWords(text: string, from: number, to: number, context: WordContext): Found[] {
  const found: Found[] = [];
  for (const c of compiled) {
    if (c.tier !== 'weapon') continue;
    const activity = c.rocket ? (context.rockets ?? c.activity) : c.activity;
    c.re.lastIndex = from;
    for (let m = c.re.exec(text); m && m.index < to; m = c.re.exec(text)) {
      if (
        !isTarget(text, m.index, m[0]) &&
        !deviceBombing(text, m.index, m[0], from, to) &&
        !personPatriot(text, m.index, m[0])
      )
        found.push({ at: m.index, end: m.index + m[0].length, activity, word: m[0] });
    }
  }
  // Stable: at one position the earlier rule wins ("rocket launcher" is artillery, not "rocket"); overlaps dropped.
  found.sort((a, b) => a.at - b.at);
  const kept = found.filter((f, i) => {
    const next = found.slice(i + 1).find((g) => g.at >= f.end);
    return !(
      next &&
      next.activity !== f.activity &&
      munition.test(f.word) &&
      byLauncher.test(text.slice(f.end, next.at))
    );
  });
  const joined: Found[] = [];
  for (const f of kept) {
    const prev = joined[joined.length - 1];
    if (prev && f.at < prev.end) continue;
    if (prev && prev.activity === f.activity && /^[\s-]*$/.test(text.slice(prev.end, f.at))) prev.end = f.end;
    else joined.push({ ...f });
  }
  return joined;
}

const numberWords = (
  'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen ' +
  'eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety'
).split(' ');
const num = `\\d[\\d,]*|${numberWords.join('|')}`;
const countBefore = new RegExp(`(?:^|[^\\w-])(${num})\\s+$`, 'i');
/** "N times and M times", "N, M and K times", "... respectively": counts listed in the order the means were. */
const countList = new RegExp(`\\b((?:(?:${num})(?:\\s+times)?(?:\\s*,\\s*|\\s+and\\s+))+(?:${num})\\s+times)\\b`, 'i');

function toNumber(word: string): number {
  const w = word.toLowerCase();
  const i = numberWords.indexOf(w);
  if (i >= 0) return i < 20 ? i + 1 : (i - 17) * 10;
  return Number(w.replace(/,/g, ''));
}

/**
 * A tally: one headline naming means of two or more activities, each with a count ("10 air strikes and 300 fire
 * missions", "aviation and artillery struck 12 times and 90 times"). The count says what most of the fire was, so
 * the activity with the largest total decides; equal totals say no one means was the event: undetermined. A
 * headline where some means has no count is not a tally (undefined: the first word decides).
 */
function tally(text: string, words: readonly Found[], from: number, to: number): WordMatch | undefined {
  if (new Set(words.map((w) => w.activity)).size < 2) return undefined;
  let counts: (string | undefined)[] = words.map((w) => countBefore.exec(text.slice(from, w.at))?.[1]);
  if (counts.every((c) => c === undefined)) {
    const list = countList.exec(text.slice(itemAt(words, words.length - 1).end, to));
    const listed = list?.[1]?.match(new RegExp(`\\b(?:${num})\\b`, 'gi'));
    if (listed?.length === words.length) counts = listed;
  }
  const known = counts.filter((c) => c !== undefined);
  if (known.length < counts.length) return undefined;
  const total = new Map<WordActivity, number>();
  words.forEach((w, i) => total.set(w.activity, (total.get(w.activity) ?? 0) + toNumber(itemAt(known, i))));
  const ranked = [...total].sort((a, b) => b[1] - a[1]);
  if (itemAt(ranked, 0)[1] === itemAt(ranked, 1)[1]) return { activity: 'undetermined' };
  const top = itemAt(ranked, 0)[0];
  const word = words.find((w) => w.activity === top);
  if (!word) throw new Error(`tally: ${top} has a total but no word`);
  return { activity: top, word: word.word };
}

/**
 * The activity the text names (docs/operations/replay.md): the first weapon word that is not a target (in a tally,
 * the most numerous means of that headline), else a generic word, else undetermined.
 */
export function activityFromWords(text: string, context: WordContext = {}): WordMatch {
  let from = 0;
  while (from <= text.length) {
    const end = text.indexOf(';', from) < 0 ? text.length : text.indexOf(';', from);
    const words = weaponWords(text, from, end, context);
    if (words.length > 0)
      return tally(text, words, from, end) ?? { activity: itemAt(words, 0).activity, word: itemAt(words, 0).word };
    from = end + 1;
  }
  let best: { at: number; activity: WordActivity; word: string } | undefined;
  for (const c of compiled) {
    if (c.tier !== 'generic') continue;
    c.re.lastIndex = 0;
    let m = c.re.exec(text);
    while (m && (isTarget(text, m.index, m[0]) || tankFire(text, m.index, m[0]))) m = c.re.exec(text);
    if (m && (!best || m.index < best.at)) best = { at: m.index, activity: c.activity, word: m[0] };
  }
  return best ? { activity: best.activity, word: best.word } : { activity: 'undetermined' };
}
