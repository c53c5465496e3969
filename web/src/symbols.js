// SPDX-License-Identifier: MIT
// The map's symbols: one shape and one colour per asset layer (circle, square, diamond), each
// with a white outline so it stands out on any zone colour. Used on the map and in the legend.

export const COLOURS = {
  "charging-points": "#c2410c",
  parking: "#1d4ed8",
  hubs: "#111827",
  suggestion: "#fde047",
  gaps: "#b91c1c",
  serviceAreas: "#6d28d9",
  streets: "#4b5563",
  boundary: "#111827",
  planned: "#be185d",
};

// Share of residents within reach, in five classes (light: few, dark: most).
export const SHARE_CLASSES = [
  { max: 0.2, colour: "#edf8fb" },
  { max: 0.4, colour: "#b2e2e2" },
  { max: 0.6, colour: "#66c2a4" },
  { max: 0.8, colour: "#2ca25f" },
  { max: 1.0001, colour: "#006d2c" },
];
export const NO_POPULATION_COLOUR = "#d1d5db";

export function shareColour(share) {
  if (share === null || share === undefined) return NO_POPULATION_COLOUR;
  return (SHARE_CLASSES.find((c) => share < c.max) ?? SHARE_CLASSES.at(-1)).colour;
}

const SYMBOLS = {
  "charging-points":
    `<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">` +
    `<circle cx="12" cy="12" r="10.5" fill="${COLOURS["charging-points"]}" stroke="#fff" stroke-width="2"/>` +
    `<path d="M13.4 4.8 7.6 13h3.9l-1.2 6.2 6.1-8.6h-4z" fill="#fff"/></svg>`,
  parking:
    `<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">` +
    `<rect x="2" y="2" width="20" height="20" rx="3" fill="${COLOURS.parking}" stroke="#fff" stroke-width="2"/>` +
    `<path d="M9 18V6h4.2a3.6 3.6 0 0 1 0 7.2H9" fill="none" stroke="#fff" stroke-width="2.4"/></svg>`,
  hubs:
    `<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">` +
    `<path d="M12 1.5 22.5 12 12 22.5 1.5 12z" fill="${COLOURS.hubs}" stroke="#fff" stroke-width="2"/>` +
    `<circle cx="12" cy="12" r="3.6" fill="none" stroke="#fff" stroke-width="2"/></svg>`,
};

export function symbolSvg(layer) {
  return SYMBOLS[layer];
}

// An asset a plan adds ("+" badge) or changes (pencil badge): the layer's symbol inside a thick
// magenta ring, so that it reads apart from the existing assets on any zone colour.
const PLANNED_BADGES = {
  add: `<path d="M28 2.6v7.8M24.1 6.5h7.8" stroke="#fff" stroke-width="2.2" stroke-linecap="round"/>`,
  change: `<path d="M25 9.6l5.6-5.6M24.6 10l.3-1.6 1.3 1.3z" stroke="#fff" stroke-width="2" stroke-linecap="round"/>`,
};

export function plannedSvg(layer, action = "add", size = 34) {
  const inner = SYMBOLS[layer].replace(
    'viewBox="0 0 24 24" width="24" height="24"',
    'x="5" y="5" width="24" height="24" viewBox="0 0 24 24"',
  );
  return (
    `<svg viewBox="0 0 34 34" width="${size}" height="${size}" aria-hidden="true" focusable="false">` +
    `<circle cx="17" cy="17" r="15.5" fill="#fff" stroke="${COLOURS.planned}" stroke-width="3"/>` +
    inner +
    `<circle cx="28" cy="6.5" r="5.8" fill="${COLOURS.planned}" stroke="#fff" stroke-width="1.4"/>` +
    (PLANNED_BADGES[action] ?? PLANNED_BADGES.add) +
    `</svg>`
  );
}

export function suggestionSvg(rank) {
  const label = String(Number(rank));
  return (
    `<svg viewBox="0 0 30 30" width="30" height="30" aria-hidden="true" focusable="false">` +
    `<circle cx="15" cy="15" r="13" fill="${COLOURS.suggestion}" stroke="#111827" stroke-width="2.5"/>` +
    `<text x="15" y="20" text-anchor="middle" font-size="14" font-weight="700" ` +
    `font-family="system-ui, sans-serif" fill="#111827">${label}</text></svg>`
  );
}

// A legend swatch for an area style: fill and outline.
export function areaSwatch({ fill, stroke, dash = "", fillOpacity = 1 }) {
  return (
    `<svg viewBox="0 0 24 16" width="24" height="16" aria-hidden="true" focusable="false">` +
    `<rect x="1" y="1" width="22" height="14" fill="${fill}" fill-opacity="${fillOpacity}" ` +
    `stroke="${stroke}" stroke-width="2" stroke-dasharray="${dash}"/></svg>`
  );
}

export function lineSwatch({ stroke, width = 2 }) {
  return (
    `<svg viewBox="0 0 24 16" width="24" height="16" aria-hidden="true" focusable="false">` +
    `<path d="M1 12 C8 2, 16 14, 23 4" fill="none" stroke="${stroke}" stroke-width="${width}"/></svg>`
  );
}
