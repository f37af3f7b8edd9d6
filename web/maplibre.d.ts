// For the type check of web/ only (tsconfig.web.json maps /vendor/maplibre-gl.mjs here; never served): the bundled
// MapLibre build is checked by its own project, and its typings would make every style expression here a puzzle.
export const Map: any;
export const Marker: any;
export const NavigationControl: any;
export const Popup: any;
export const ScaleControl: any;
