// @ts-check
// Colours shared by the map and the legends, apart from the map so that the page can draw its legends and lists
// before MapLibre (most of the page's weight) has arrived.

/** Activity groups and their colours (ColorBrewer qualitative, distinguishable in greyscale by the legend's order). */
export const activityGroups = [
  {
    id: 'fire',
    label: 'fire and strikes',
    color: '#d7301f',
    activities: [
      'artillery-fire',
      'mortar-fire',
      'small-arms-fire',
      'missile-strike',
      'drone-strike',
      'air-strike',
      'naval-strike',
    ],
  },
  {
    id: 'advance',
    label: 'ground advance, troops',
    color: '#7a0177',
    activities: ['ground-advance', 'troop-presence', 'reinforcement'],
  },
  { id: 'heavy', label: 'heavy weapons', color: '#e66101', activities: ['heavy-weapon-presence'] },
  { id: 'air', label: 'airspace', color: '#2166ac', activities: ['overflight'] },
  { id: 'sea', label: 'at sea', color: '#01665e', activities: ['naval-incursion', 'mine-laying'] },
  { id: 'access', label: 'monitors denied, jamming', color: '#4d4d4d', activities: ['denial-of-access', 'jamming'] },
  { id: 'other', label: 'other', color: '#000000', activities: [] },
];
const groupOf = new globalThis.Map(activityGroups.flatMap((g) => g.activities.map((a) => [a, g])));
export const activityColor = (a) => (groupOf.get(a) ?? activityGroups.at(-1)).color;

export const zoneColors = {
  line: '#b2182b',
  buffer: '#f4a582',
  corridor: '#4393c3',
  airspace: '#5aae61',
  area: '#9970ab',
};
export const regionStateColors = { calm: '#f3f0e8', violations: '#fdd49e', breach: '#ef6548', response: '#b30000' };
export const regionStateTints = { calm: '#f3f0e8', violations: '#f7e6cc', breach: '#f3cfc2', response: '#e8b5ae' };
