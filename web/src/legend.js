// SPDX-License-Identifier: MIT
// The legend and the layer switches, as a control on the map itself: on a wide screen it is open
// in the first screen, beside what it explains; on a phone it folds into one button on the map.
import { el, svg } from "./dom.js";
import { formatInteger, formatPercent } from "./format.js";
import { t } from "./i18n.js";
import { readQuestion } from "./question.js";
import { state, view } from "./state.js";
import {
  COLOURS,
  NO_POPULATION_COLOUR,
  SHARE_CLASSES,
  areaSwatch,
  lineSwatch,
  plannedSvg,
  suggestionSvg,
  symbolSvg,
} from "./symbols.js";

const L = window.L;
// Below this width the legend starts folded, so that it does not hide the small map.
const WIDE_SCREEN = "(min-width: 761px)";

const LEGEND = [
  { key: "charging-points", symbol: () => symbolSvg("charging-points") },
  { key: "parking", symbol: () => symbolSvg("parking") },
  { key: "hubs", symbol: () => symbolSvg("hubs") },
  { key: "suggestions", symbol: () => suggestionSvg(1) },
  {
    key: "gaps",
    symbol: () => areaSwatch({ fill: COLOURS.gaps, stroke: COLOURS.gaps, dash: "5 3", fillOpacity: 0.15 }),
  },
  {
    key: "serviceAreas",
    symbol: () =>
      areaSwatch({ fill: COLOURS.serviceAreas, stroke: COLOURS.serviceAreas, fillOpacity: 0.12 }),
  },
  { key: "zones", symbol: () => areaSwatch({ fill: SHARE_CLASSES[3].colour, stroke: "#fff" }) },
  { key: "streets", symbol: () => lineSwatch({ stroke: COLOURS.streets, width: 1.5 }) },
  { key: "boundary", symbol: () => lineSwatch({ stroke: COLOURS.boundary, width: 3 }) },
];
// Shown while a plan is: what its ring and badges mean (no switch: the markers belong to their
// layer, whose switch shows or hides them).
const PLAN_LEGEND = [
  { key: "plannedAdd", symbol: () => plannedSvg("charging-points", "add", 24) },
  { key: "plannedChange", symbol: () => plannedSvg("charging-points", "change", 24) },
];
const SCALE_BOUNDS = [0, 0.2, 0.4, 0.6, 0.8, 1];

function scaleLabel(i) {
  return `${formatPercent(SCALE_BOUNDS[i], 0)} – ${formatPercent(SCALE_BOUNDS[i + 1], 0)}`;
}

function shareScale() {
  const items = SHARE_CLASSES.map((c, i) =>
    el(
      "li",
      {},
      svg(areaSwatch({ fill: c.colour, stroke: "#6b7280" })),
      el("span", { "data-scale": i }, scaleLabel(i)),
    ),
  );
  items.push(
    el(
      "li",
      {},
      svg(areaSwatch({ fill: NO_POPULATION_COLOUR, stroke: "#6b7280" })),
      el("span", { "data-scale": "none" }, t("legend.noPopulation")),
    ),
  );
  return el("ul", { class: "scale" }, items);
}

function switchItem({ key, symbol }) {
  const input = el("input", {
    type: "checkbox",
    id: `show-${key}`,
    checked: true,
    "data-overlay": key,
    onchange: (event) => {
      if (event.target.checked) view.overlays[key].addTo(view.map);
      else view.overlays[key].remove();
    },
  });
  const item = el(
    "li",
    { class: `legend__item legend__item--${key}` },
    input,
    el(
      "label",
      { for: `show-${key}` },
      svg(symbol()),
      el("span", { class: "legend__text", "data-legend": key }),
    ),
  );
  if (key === "zones") item.append(shareScale());
  return item;
}

function planItem({ key, symbol }) {
  return el(
    "li",
    { class: `legend__item legend__item--plan legend__item--${key}`, hidden: true },
    el("span", { class: "legend__spacer", "aria-hidden": "true" }),
    el(
      "span",
      { class: "legend__label" },
      svg(symbol()),
      el("span", { class: "legend__text", "data-legend": key }),
    ),
  );
}

function legendNode() {
  const open = window.matchMedia(WIDE_SCREEN).matches;
  const node = el(
    "details",
    { class: "legend-control", id: "legend-control", open },
    el("summary", { id: "legend-title", "data-i18n": "legendTitle" }, t("legendTitle")),
    el(
      "ul",
      { id: "legend", class: "legend", "aria-labelledby": "legend-title" },
      LEGEND.map(switchItem),
      PLAN_LEGEND.map(planItem),
    ),
  );
  L.DomEvent.disableClickPropagation(node);
  L.DomEvent.disableScrollPropagation(node);
  return node;
}

// Put the legend on the map, in its top-right corner.
export function addLegendControl(map) {
  const Legend = L.Control.extend({
    options: { position: "topright" },
    onAdd: () => legendNode(),
  });
  new Legend().addTo(map);
  updateLegend();
}

export function updateLegend() {
  const question = state.question || readQuestion();
  const counted = {
    "charging-points": state.counts["charging-points"],
    parking: state.counts.parking,
    hubs: state.counts.hubs,
    gaps: state.counts.gaps,
    suggestions: state.counts.suggestions,
    zones: state.counts.zones,
    plannedAdd: Object.values(state.planned).reduce((n, p) => n + p.add, 0),
    plannedChange: Object.values(state.planned).reduce((n, p) => n + p.change, 0),
  };
  for (const node of document.querySelectorAll(".legend__item--plan")) {
    node.hidden = !state.scenario;
  }
  for (const node of document.querySelectorAll("[data-legend]")) {
    const key = node.dataset.legend;
    let text = t(`legend.${key}`, {
      d: formatInteger(question.within_m),
      mode: t(`how.${question.mode}`),
    });
    const shown = counted[key] !== undefined && !(key === "suggestions" && counted[key] === 0);
    if (shown) text += ` ${t("count", { n: formatInteger(counted[key]) })}`;
    node.textContent = text;
  }
  for (const node of document.querySelectorAll("[data-scale]")) {
    const i = node.dataset.scale;
    node.textContent = i === "none" ? t("legend.noPopulation") : scaleLabel(Number(i));
  }
}
