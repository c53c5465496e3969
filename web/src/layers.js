// SPDX-License-Identifier: MIT
// The map and what it always shows: the commune's outline and streets, and the three asset
// layers (the stored assets, or a plan's, its new and changed ones ringed).
import { api } from "./api.js";
import { config } from "./config.js";
import { escapeHtml } from "./dom.js";
import { t } from "./i18n.js";
import { updateLegend } from "./legend.js";
import { renderPlan } from "./plans.js";
import { assetPopup, assetTitle, placeKey } from "./popups.js";
import { ASSET_LAYERS, readQuestion, scenarioPath } from "./question.js";
import {
  answers,
  isLatestRun,
  setAssetsDrawn,
  setAttribution,
  setCount,
  setMap,
  setOverlay,
  startRun,
  state,
  view,
} from "./state.js";
import { COLOURS, plannedSvg, symbolSvg } from "./symbols.js";

const L = window.L;
const MAX_ITEMS = 10000;
export const OVERLAYS = [
  "zones",
  "serviceAreas",
  "streets",
  "gaps",
  "boundary",
  ...ASSET_LAYERS,
  "suggestions",
];

export function initMap() {
  const map = L.map("map", { zoomSnap: 0.25, keyboard: true, preferCanvas: false });
  map.attributionControl.setPrefix(
    '<a href="https://leafletjs.com" title="Leaflet, a JavaScript library for maps">Leaflet</a>',
  );
  const panes = { zones: 300, areas: 320, streets: 340, gaps: 360, boundary: 380, suggestions: 640 };
  for (const [name, zIndex] of Object.entries(panes)) {
    map.createPane(name).style.zIndex = String(zIndex);
  }
  map.getPane("areas").style.pointerEvents = "none";
  map.getPane("streets").style.pointerEvents = "none";
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { maxZoom: 19, crossOrigin: false }).addTo(map);
  }
  for (const name of OVERLAYS) setOverlay(name, L.layerGroup().addTo(map));
  setMap(map);
  return map;
}

export function drawCommune(feature) {
  const outline = L.geoJSON(feature, {
    pane: "boundary",
    interactive: false,
    style: { color: COLOURS.boundary, weight: 3, fill: false },
  });
  view.overlays.boundary.clearLayers().addLayer(outline);
  view.map.fitBounds(outline.getBounds(), { padding: [12, 12] });
}

export function drawStreets(collection) {
  const renderer = L.canvas({ pane: "streets", padding: 0.3 });
  const streets = L.geoJSON(collection, {
    pane: "streets",
    renderer,
    interactive: false,
    style: { color: COLOURS.streets, weight: 1.1, opacity: 0.75 },
  });
  view.overlays.streets.clearLayers().addLayer(streets);
  setCount("streets", streets.getLayers().length);
  updateLegend();
}

function assetIcon(layer) {
  return L.divIcon({
    className: `asset-marker asset-marker--${layer}`,
    html: symbolSvg(layer),
    iconSize: [24, 24],
    iconAnchor: [12, 12],
    popupAnchor: [0, -12],
  });
}

// An asset the plan adds or changes: the layer's symbol in a ring, with a "+" or pencil badge.
function plannedIcon(layer, change) {
  return L.divIcon({
    className: `asset-marker asset-marker--${layer} asset-marker--planned asset-marker--planned-${change}`,
    html: plannedSvg(layer, change),
    iconSize: [34, 34],
    iconAnchor: [17, 17],
    popupAnchor: [0, -17],
  });
}

function minPower(layer) {
  if (layer !== "charging-points") return null;
  return readQuestion().min_power_kw;
}

// The layer's assets in the commune: the stored ones, or the plan's (which the API does not
// filter by power: the filter is applied here, with the API's rule, power >= minimum).
async function fetchAssets(layer) {
  const power = minPower(layer);
  if (state.scenario) {
    const collection = await api(scenarioPath(`/assets/${layer}`));
    const features = collection.features.filter(
      (feature) => !power || (feature.properties.puissance_nominale ?? 0) >= power,
    );
    return { features, matched: features.length };
  }
  const params = new URLSearchParams({ commune: state.commune, limit: String(MAX_ITEMS) });
  if (power) params.set("min_power_kw", String(power));
  let url = `collections/${layer}/items?${params}`;
  const features = [];
  let matched = 0;
  // Follow the pages (the limit is the API's maximum, so one page is the rule).
  while (url) {
    const page = await api(url);
    features.push(...page.features);
    matched = page.numberMatched ?? features.length;
    const next = (page.links || []).find((link) => link.rel === "next");
    url = next && page.features.length > 0 && features.length < matched ? next.href : null;
  }
  return { features, matched };
}

export async function loadAssets(layer) {
  const run = startRun(layer);
  const { features, matched } = await fetchAssets(layer);
  if (!isLatestRun(layer, run)) return; // the plan or the power filter changed meanwhile
  view.overlays[layer].clearLayers();
  const here = view.assetsAt[layer];
  here.clear();
  for (const feature of features) {
    const key = placeKey(feature.geometry.coordinates);
    here.set(key, [...(here.get(key) || []), feature]);
  }
  const planned = { add: 0, change: 0 };
  const markers = features.map((feature) => {
    const [lon, lat] = feature.geometry.coordinates;
    const change = feature.properties.scenario_change;
    const isPlanned = change === "add" || change === "change";
    if (isPlanned) planned[change] += 1;
    const marker = L.marker([lat, lon], {
      icon: isPlanned ? plannedIcon(layer, change) : assetIcon(layer),
      title: assetTitle(layer, feature.properties),
      keyboard: true,
      riseOnHover: true,
      zIndexOffset: isPlanned ? 500 : 0,
    });
    marker.feature = feature;
    marker.bindPopup(() => assetPopup(layer, feature), { maxWidth: 300 });
    view.overlays[layer].addLayer(marker);
    return marker;
  });
  setAssetsDrawn(layer, markers, matched, planned);
  updateLegend();
  renderPlan();
}

// Marker titles follow the page's language.
export function retitleMarkers() {
  for (const layer of ASSET_LAYERS) {
    for (const marker of view.assetMarkers[layer]) {
      const element = marker.getElement();
      if (element) element.title = assetTitle(layer, marker.feature.properties);
    }
  }
}

function mentionsOsm() {
  const sources = answers.commune?.properties?.info?.sources || [];
  return Boolean(config.tileUrl) || sources.some((s) => /openstreetmap/i.test(s?.attribution || ""));
}

export function updateAttribution() {
  const map = view.map;
  if (!map) return;
  if (view.attribution) map.attributionControl.removeAttribution(view.attribution);
  const parts = [];
  if (mentionsOsm()) parts.push(escapeHtml(t("osmAttribution")));
  parts.push(`<a href="#about">${escapeHtml(t("otherSources"))}</a>`);
  const attribution = parts.join(" · ");
  setAttribution(attribution);
  map.attributionControl.addAttribution(attribution);
}
