// SPDX-License-Identifier: MIT
// The /map page: the commune's streets and IRIS zones as the basemap, the three asset layers, the
// coverage, service areas and gaps for the question set in the form, and "Where next?"
// suggestions explained in plain words. Every figure comes from the API of this same server.
// A plan (a what-if scenario, /map?scenario=<id>) can be chosen: the assets are then the plan's,
// its new and changed ones ringed, every analysis runs on it, and a panel says in words what it
// changes (from /scenarios/{id}/compare). `window.mapState` exposes what is drawn (counts, shares,
// suggestions, the plan and its comparison) for tests and curious readers.
import { STRINGS, language, setLanguage, t } from "./i18n.js";
import {
  formatDate,
  formatDecimal,
  formatInteger,
  formatMetres,
  formatPercent,
  formatSignedInteger,
} from "./format.js";
import {
  COLOURS,
  NO_POPULATION_COLOUR,
  SHARE_CLASSES,
  areaSwatch,
  lineSwatch,
  plannedSvg,
  shareColour,
  suggestionSvg,
  symbolSvg,
} from "./symbols.js";

const L = window.L;
const ASSET_LAYERS = ["charging-points", "parking", "hubs"];
const POWER_CLASSES = { 7: "ac_7", 22: "ac_22", 50: "dc_50", 150: "dc_150" };
const MAX_ITEMS = 10000;
const GAPS_LISTED = 5;
const REDRAW_DELAY_MS = 250;

const config = readConfig();
const state = {
  commune: config.commune,
  lang: "fr",
  ready: false,
  pending: 0,
  counts: {
    "charging-points": 0,
    parking: 0,
    hubs: 0,
    zones: 0,
    streets: 0,
    serviceAreas: 0,
    gaps: 0,
    suggestions: 0,
    planned: 0,
  },
  apiCounts: {},
  // The plan shown ({id, name, …}), or null for the current data; what it adds and changes as
  // drawn, per layer; and the /compare figures for the question asked.
  scenario: null,
  planned: {},
  comparison: null,
  question: null,
  coverage: null,
  siting: null,
  suggestions: [],
  errors: [],
};
window.mapState = state;

// The answers last drawn, kept to re-render the panels when the language changes.
const answers = {
  commune: null,
  zones: null,
  gaps: null,
  siting: null,
  sitingQuestion: null,
  scenarios: [],
  scenarioMissing: null,
  comparison: null,
  comparisonQuestion: null,
};
const overlays = {};
const assetMarkers = { "charging-points": [], parking: [], hubs: [] };
// Assets at the very same place (the points of one charging station): one popup lists them all,
// since only the top marker of a stack can be clicked.
const assetsAt = { "charging-points": new Map(), parking: new Map(), hubs: new Map() };
const placeKey = ([lon, lat]) => `${lon.toFixed(6)},${lat.toFixed(6)}`;
const suggestionMarkers = [];
const gapLayers = new Map();
let map = null;
let attribution = "";
let redrawTimer = null;
let redrawSeq = 0;
let sitingSeq = 0;
let leaving = false; // the page is opening another commune (a plan's)
const assetSeq = { "charging-points": 0, parking: 0, hubs: 0 };

const $ = (selector) => document.querySelector(selector);
const form = $("#controls");

// ---------------------------------------------------------------------------------------------
// Small helpers

function readConfig() {
  const node = document.getElementById("map-config");
  try {
    return JSON.parse(node ? node.textContent : "{}");
  } catch {
    return {};
  }
}

// Create an element with attributes and children (strings become text: nothing is parsed).
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// A node holding trusted SVG markup from symbols.js (never data from the API).
function svg(markup, className = "swatch") {
  const span = el("span", { class: className, "aria-hidden": "true" });
  span.innerHTML = markup;
  return span;
}

function setStatus(key, values) {
  $("#status").textContent = t(key, values);
}

function showError(error) {
  const detail = error instanceof Error ? error.message : String(error);
  state.errors.push(detail);
  const status = $("#status");
  status.textContent = t("error", { detail });
  status.classList.add("status--error");
}

async function api(path, options = {}) {
  const response = await fetch(path, {
    ...options,
    headers: { Accept: "application/geo+json, application/json", ...(options.headers || {}) },
  });
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const fields = (body && body.errors ? body.errors : []).map((e) => `${e.field}: ${e.message}`);
    throw new Error([body?.detail || body?.title || `HTTP ${response.status}`, ...fields].join(" — "));
  }
  return body;
}

// Run an operation while counting it in `state.pending` (tests wait for 0).
async function track(operation) {
  state.pending += 1;
  document.body.setAttribute("aria-busy", "true");
  try {
    return await operation();
  } catch (error) {
    showError(error);
    return undefined;
  } finally {
    state.pending -= 1;
    if (state.pending === 0) document.body.removeAttribute("aria-busy");
  }
}

function communePath(suffix) {
  return `communes/${encodeURIComponent(state.commune)}${suffix}`;
}

// ---------------------------------------------------------------------------------------------
// The question set in the form

function readQuestion() {
  const layer = form.elements.layer.value;
  const mode = form.querySelector("input[name=mode]:checked").value;
  const withinM = Number(form.elements.within_m.value);
  const power = layer === "charging-points" && form.elements.min_power_kw.value;
  return {
    layer,
    mode,
    within_m: withinM,
    min_power_kw: power ? Number(power) : null,
    scenario: state.scenario ? state.scenario.id : null,
  };
}

function sameQuestion(a, b) {
  return Boolean(a && b) && JSON.stringify(a) === JSON.stringify(b);
}

function analysisQuery(question) {
  const params = new URLSearchParams({
    layer: question.layer,
    mode: question.mode,
    within_m: String(question.within_m),
  });
  if (question.min_power_kw) params.set("min_power_kw", String(question.min_power_kw));
  if (question.scenario) params.set("scenario", question.scenario);
  return params.toString();
}

function scenarioPath(suffix = "") {
  return `scenarios/${encodeURIComponent(state.scenario.id)}${suffix}`;
}

// "d'une borne de 50 kW ou plus" / "a charging point of 50 kW or more"
function ofLayer(question) {
  if (question.layer === "charging-points" && question.min_power_kw) {
    return t("of.charging-points.power", { p: question.min_power_kw });
  }
  return t(`of.${question.layer}`);
}

// ---------------------------------------------------------------------------------------------
// The map and its layers

function initMap() {
  map = L.map("map", { zoomSnap: 0.25, keyboard: true, preferCanvas: false });
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
  for (const name of [
    "zones",
    "serviceAreas",
    "streets",
    "gaps",
    "boundary",
    ...ASSET_LAYERS,
    "suggestions",
  ]) {
    overlays[name] = L.layerGroup().addTo(map);
  }
}

function drawCommune(feature) {
  answers.commune = feature;
  const outline = L.geoJSON(feature, {
    pane: "boundary",
    interactive: false,
    style: { color: COLOURS.boundary, weight: 3, fill: false },
  });
  overlays.boundary.clearLayers().addLayer(outline);
  map.fitBounds(outline.getBounds(), { padding: [12, 12] });
  renderCommuneTitle();
  renderSources();
  updateAttribution();
}

function drawStreets(collection) {
  const renderer = L.canvas({ pane: "streets", padding: 0.3 });
  const streets = L.geoJSON(collection, {
    pane: "streets",
    renderer,
    interactive: false,
    style: { color: COLOURS.streets, weight: 1.1, opacity: 0.75 },
  });
  overlays.streets.clearLayers().addLayer(streets);
  state.counts.streets = streets.getLayers().length;
  updateLegend();
}

function assetTitle(layer, properties) {
  const name =
    (layer === "charging-points"
      ? properties.nom_station || properties.id_pdc_itinerance
      : properties.name) || (properties.planned ? t("plannedPoint") : t("unnamed"));
  let title = t(`title.${layer}`, { name });
  if (layer === "charging-points" && properties.puissance_nominale) {
    title += ` (${formatDecimal(properties.puissance_nominale, 1)} kW)`;
  }
  const change = properties.scenario_change;
  if (change === "add" || change === "change") title = t(`title.planned.${change}`, { title });
  return title;
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

async function loadAssets(layer) {
  const seq = ++assetSeq[layer];
  const { features, matched } = await fetchAssets(layer);
  if (seq !== assetSeq[layer]) return; // the plan or the power filter changed meanwhile
  overlays[layer].clearLayers();
  assetsAt[layer].clear();
  for (const feature of features) {
    const key = placeKey(feature.geometry.coordinates);
    assetsAt[layer].set(key, [...(assetsAt[layer].get(key) || []), feature]);
  }
  const planned = { add: 0, change: 0 };
  assetMarkers[layer] = features.map((feature) => {
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
    overlays[layer].addLayer(marker);
    return marker;
  });
  state.counts[layer] = assetMarkers[layer].length;
  state.apiCounts[layer] = matched;
  state.planned[layer] = planned;
  state.counts.planned = Object.values(state.planned).reduce((n, p) => n + p.add + p.change, 0);
  updateLegend();
  renderPlan();
}

function row(label, value) {
  if (value === null || value === undefined || value === "") return null;
  return el("div", { class: "popup__row" }, el("dt", {}, label), el("dd", {}, value));
}

function yesNo(value) {
  if (value === true) return t("yes");
  if (value === false) return t("no");
  return t("unknown");
}

function assetPopup(layer, feature) {
  const here = assetsAt[layer].get(placeKey(feature.geometry.coordinates)) || [feature];
  const popup = el(
    "div",
    { class: "popup" },
    el("p", { class: "popup__layer" }, svg(symbolSvg(layer)), t(`layer.${layer}`)),
  );
  if (here.length > 1) popup.classList.add("popup--many");
  const change = feature.properties.scenario_change;
  if (state.scenario && (change === "add" || change === "change")) {
    popup.append(
      el("p", { class: "popup__plan" }, t(`popup.planned.${change}`, { name: state.scenario.name })),
    );
    if (feature.properties.planned) {
      popup.append(el("p", { class: "popup__plan-note" }, t("popup.planned.pending")));
    }
  }
  if (layer === "charging-points" && here.length > 1) {
    // The points of one station: the station once, then each point's power and connectors.
    popup.append(
      assetDetails(layer, feature, { station: true }),
      el("h4", { class: "popup__subtitle" }, t("pointsHere", { n: here.length })),
      el(
        "ul",
        { class: "popup__points" },
        here.map((item) => {
          const q = item.properties;
          const connectors = connectorNames(q).join(", ") || t("unknown");
          return el(
            "li",
            {},
            el("strong", {}, `${formatDecimal(q.puissance_nominale, 1)} kW`),
            ` · ${connectors} · `,
            el("span", { class: "popup__id" }, q.id_pdc_itinerance),
          );
        }),
      ),
    );
    return popup;
  }
  if (here.length > 1) popup.append(el("p", { class: "popup__count" }, t("sameSpot", { n: here.length })));
  const sections = [feature, ...here.filter((other) => other !== feature)];
  popup.append(...sections.map((item) => assetDetails(layer, item)));
  return popup;
}

function connectorNames(p) {
  return [
    ["prise_type_2", "type_2"],
    ["prise_type_combo_ccs", "combo_ccs"],
    ["prise_type_chademo", "chademo"],
    ["prise_type_ef", "ef"],
    ["prise_type_autre", "autre"],
  ]
    .filter(([field]) => p[field])
    .map(([, key]) => t(`connector.${key}`));
}

// An IRVE value (French by the national schema) in the page's language.
function irve(value) {
  if (value === null || value === undefined) return null;
  const key = `irve.${value}`;
  const text = t(key);
  return text === key ? value : text;
}

function assetDetails(layer, feature, { station = false } = {}) {
  const p = feature.properties;
  const rows = [];
  let title;
  if (layer === "charging-points") {
    title = p.nom_station || p.id_pdc_itinerance || (p.planned ? t("plannedPoint") : null);
    if (!station) {
      rows.push(
        row(t("popup.power"), `${formatDecimal(p.puissance_nominale, 1)} kW`),
        row(t("popup.connectors"), connectorNames(p).join(", ") || t("unknown")),
      );
    }
    rows.push(
      row(t("popup.points"), p.nbre_pdc === null ? null : formatInteger(p.nbre_pdc)),
      row(t("popup.address"), p.adresse_station),
      row(t("popup.operator"), p.nom_operateur || p.nom_enseigne),
      row(t("popup.access"), irve(p.condition_acces)),
      row(t("popup.hours"), p.horaires),
      row(t("popup.free"), yesNo(p.gratuit)),
      row(t("popup.pmr"), irve(p.accessibilite_pmr)),
      station ? null : row(t("popup.id"), p.id_pdc_itinerance),
    );
  } else if (layer === "parking") {
    title = p.name || t("parkingTitle", { kind: t(`kind.${p.kind}`) });
    rows.push(
      row(t("popup.kind"), t("parkingTitle", { kind: t(`kind.${p.kind}`) })),
      row(
        t("popup.capacity"),
        p.capacity === null || p.capacity === undefined
          ? t("unknown")
          : t("spaces", { count: p.capacity, n: formatInteger(p.capacity) }),
      ),
      row(t("popup.evReady"), p.ev_ready_spaces === null ? null : formatInteger(p.ev_ready_spaces)),
      row(t("popup.pmrSpaces"), p.pmr_spaces === null ? null : formatInteger(p.pmr_spaces)),
      row(t("popup.access"), p.access ? t(`access.${p.access}`) : null),
      row(t("popup.fee"), p.fee === null || p.fee === undefined ? null : yesNo(p.fee)),
      row(t("popup.placement"), p.placement ? t(`placement.${p.placement}`) : null),
      row(t("popup.covered"), p.covered === null || p.covered === undefined ? null : yesNo(p.covered)),
      row(t("popup.operator"), p.operator),
    );
  } else {
    title = p.name;
    rows.push(
      row(t("popup.modes"), (p.modes || []).map((mode) => t(`hubMode.${mode}`)).join(", ")),
      row(t("popup.lines"), (p.lines || []).join(", ") || null),
      row(t("popup.capacity"), p.capacity === null ? null : formatInteger(p.capacity)),
      row(t("popup.operator"), p.operator),
    );
  }
  return el(
    "section",
    { class: "popup__asset" },
    el("h3", { class: "popup__title" }, title || t("unnamed")),
    el("dl", {}, rows),
  );
}

// ---------------------------------------------------------------------------------------------
// Coverage, service areas and gaps for the question in the form

function scheduleRedraw() {
  clearTimeout(redrawTimer);
  redrawTimer = setTimeout(() => {
    redrawTimer = null;
    redraw();
  }, REDRAW_DELAY_MS);
}

function redraw() {
  const seq = ++redrawSeq;
  const question = readQuestion();
  return track(async () => {
    setStatus("updating");
    const query = analysisQuery(question);
    const [zones, areas, gaps, comparison] = await Promise.all([
      api(communePath(`/coverage/zones?${query}`)),
      api(communePath(`/service-areas?${query}&dissolve=true`)),
      api(communePath(`/gaps?${query}`)),
      question.scenario ? api(scenarioPath(`/compare?${compareQuery(question)}`)) : null,
    ]);
    if (seq !== redrawSeq) return; // a newer question was asked meanwhile
    setComparison(comparison, question);
    drawZones(zones);
    drawServiceAreas(areas);
    drawGaps(gaps, question);
    answers.zones = zones;
    answers.gaps = gaps;
    state.question = question;
    state.coverage = {
      question,
      summary: zones.summary,
      shares: Object.fromEntries(zones.features.map((f) => [f.properties.zone, f.properties.share])),
    };
    if (answers.siting && !sameQuestion(answers.sitingQuestion, question)) clearSuggestions(true);
    renderSummary();
    renderPlan();
    renderGaps();
    renderMethod();
    updateLegend();
    $("#status").classList.remove("status--error");
    setStatus("ready");
  });
}

// /compare answers for the layer, mode and distance asked (it has no power filter: it counts
// every charging point, which the plan panel says).
function compareQuery(question) {
  return new URLSearchParams({
    layer: question.layer,
    mode: question.mode,
    within_m: String(question.within_m),
  }).toString();
}

function setComparison(answer, question) {
  const layer = answer?.layers?.find((each) => each.layer === question.layer);
  if (!layer) {
    answers.comparison = null;
    answers.comparisonQuestion = null;
    state.comparison = null;
    return;
  }
  answers.comparison = layer;
  answers.comparisonQuestion = question;
  state.comparison = {
    scenario: question.scenario,
    question: { layer: question.layer, mode: question.mode, within_m: question.within_m },
    population: layer.population,
    population_covered: layer.population_covered,
    share: layer.share,
    assets: layer.assets,
    distance_p50_m: { base: layer.distance.base.p50_m, scenario: layer.distance.scenario.p50_m },
    gaps_closed: layer.gaps.closed.length,
    gaps_reduced: layer.gaps.reduced.length,
    gaps: {
      closed: layer.gaps.closed,
      reduced: layer.gaps.reduced,
      count: layer.gaps.count,
      population_unserved: layer.gaps.population_unserved,
    },
    zones_improved: layer.zones.filter((zone) => zone.share_change > 0).length,
  };
}

function zoneTooltip(properties) {
  const name = properties.name || properties.zone;
  if (properties.share === null) return t("zoneTooltipEmpty", { name });
  const compared = state.scenario && answers.comparison?.zones.find((z) => z.zone === properties.zone);
  if (compared) {
    return t("zoneTooltipPlan", {
      name,
      share: formatPercent(properties.share),
      pop: formatInteger(properties.population),
      base: formatPercent(compared.share.base),
    });
  }
  return t("zoneTooltip", {
    name,
    share: formatPercent(properties.share),
    pop: formatInteger(properties.population),
  });
}

function drawZones(collection) {
  const zones = L.geoJSON(collection, {
    pane: "zones",
    style: (feature) => ({
      fillColor: shareColour(feature.properties.share),
      fillOpacity: 0.72,
      color: "#ffffff",
      weight: 1.2,
    }),
    onEachFeature: (feature, layer) => {
      layer.bindTooltip(() => zoneTooltip(feature.properties), { sticky: true });
    },
  });
  overlays.zones.clearLayers().addLayer(zones);
  state.counts.zones = zones.getLayers().length;
}

// Area of a lon/lat ring in square metres (equirectangular: fine at the scale of a block).
function ringAreaM2(ring) {
  const lat0 = (ring.reduce((sum, point) => sum + point[1], 0) / ring.length) * (Math.PI / 180);
  const kx = 111320 * Math.cos(lat0);
  const ky = 110540;
  let twice = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    twice += ring[j][0] * kx * (ring[i][1] * ky) - ring[i][0] * kx * (ring[j][1] * ky);
  }
  return Math.abs(twice) / 2;
}

// The reached streets are 25 m bands: the holes between them are mostly the insides of blocks.
// Holes under SMALL_HOLE_M2 are filled so that the outline shows the reach, not every block.
const SMALL_HOLE_M2 = 10000;

function withoutSmallHoles(geometry) {
  const clean = (rings) => [rings[0], ...rings.slice(1).filter((r) => ringAreaM2(r) >= SMALL_HOLE_M2)];
  if (geometry.type === "Polygon") return { ...geometry, coordinates: clean(geometry.coordinates) };
  if (geometry.type === "MultiPolygon") {
    return { ...geometry, coordinates: geometry.coordinates.map(clean) };
  }
  return geometry;
}

function drawServiceAreas(collection) {
  const outlines = {
    ...collection,
    features: collection.features.map((f) => ({ ...f, geometry: withoutSmallHoles(f.geometry) })),
  };
  const areas = L.geoJSON(outlines, {
    pane: "areas",
    interactive: false,
    style: {
      color: COLOURS.serviceAreas,
      weight: 1.4,
      opacity: 0.9,
      fillColor: COLOURS.serviceAreas,
      fillOpacity: 0.08,
    },
  });
  overlays.serviceAreas.clearLayers().addLayer(areas);
  state.counts.serviceAreas = collection.features.length;
}

function gapLabel(properties, question) {
  return t("gapItem", {
    rank: properties.rank,
    n: formatInteger(properties.population_unserved),
    residents: t("residents", { n: Math.round(properties.population_unserved) }),
    d: formatMetres(question.within_m),
    how: t(`how.${question.mode}`),
    area: formatDecimal(properties.area_m2 / 10000, 1),
  });
}

function drawGaps(collection, question) {
  gapLayers.clear();
  const gaps = L.geoJSON(collection, {
    pane: "gaps",
    style: {
      color: COLOURS.gaps,
      weight: 2,
      dashArray: "6 4",
      fillColor: COLOURS.gaps,
      fillOpacity: 0.12,
    },
    onEachFeature: (feature, layer) => {
      gapLayers.set(feature.properties.rank, layer);
      layer.bindTooltip(() => gapLabel(feature.properties, question), { sticky: true });
    },
  });
  overlays.gaps.clearLayers().addLayer(gaps);
  state.counts.gaps = collection.features.length;
}

// ---------------------------------------------------------------------------------------------
// "Where next?": siting suggestions

async function suggest(event) {
  event.preventDefault();
  const countInput = $("#site-count");
  if (!countInput.reportValidity()) return;
  const question = readQuestion();
  const body = {
    layer: question.layer,
    mode: question.mode,
    within_m: question.within_m,
    count: Number(countInput.value),
    method: "greedy",
  };
  if (question.min_power_kw) body.power_class = POWER_CLASSES[question.min_power_kw];
  if (question.scenario) body.scenario = question.scenario;
  const seq = ++sitingSeq;
  const button = $("#siting-submit");
  button.disabled = true;
  await track(async () => {
    setStatus("siting");
    const answer = await api(communePath("/siting"), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (seq !== sitingSeq) return;
    answers.siting = answer;
    answers.sitingQuestion = question;
    drawSuggestions(answer);
    renderSuggestions();
    renderMethod();
    updateLegend();
    $("#status").classList.remove("status--error");
    setStatus("ready");
  });
  button.disabled = false;
}

function siteExplanation(properties, question) {
  const n = Math.round(properties.population_gained);
  return t("explain", {
    n: formatInteger(properties.population_gained),
    residents: t("residents", { n }),
    of: ofLayer(question),
    d: formatMetres(question.within_m),
    how: t(`how.${question.mode}`),
  });
}

// The share before each site is the share after the previous one (the first: before any).
function siteShares(answer) {
  let before = answer.summary.share_before;
  return answer.features.map((feature) => {
    const shares = { before, after: feature.properties.share_after };
    before = feature.properties.share_after;
    return shares;
  });
}

function drawSuggestions(answer) {
  overlays.suggestions.clearLayers();
  suggestionMarkers.length = 0;
  const shares = siteShares(answer);
  answer.features.forEach((feature, index) => {
    const [lon, lat] = feature.geometry.coordinates;
    const rank = feature.properties.rank;
    const marker = L.marker([lat, lon], {
      pane: "suggestions",
      icon: L.divIcon({
        className: "suggestion-marker",
        html: suggestionSvg(rank),
        iconSize: [30, 30],
        iconAnchor: [15, 15],
        popupAnchor: [0, -15],
      }),
      title: t("title.suggestion", { rank }),
      keyboard: true,
      zIndexOffset: 1000,
    });
    marker.rank = rank;
    marker.bindPopup(
      () =>
        el(
          "div",
          { class: "popup" },
          el("h3", { class: "popup__title" }, siteTitle(feature.properties)),
          el("p", {}, siteExplanation(feature.properties, answers.sitingQuestion)),
          el("p", {}, shareChange(shares[index])),
        ),
      { maxWidth: 300 },
    );
    overlays.suggestions.addLayer(marker);
    suggestionMarkers.push(marker);
  });
  state.counts.suggestions = suggestionMarkers.length;
  state.siting = answer.summary;
  state.suggestions = answer.features.map((feature) => ({
    rank: feature.properties.rank,
    street: feature.properties.street,
    population_gained: feature.properties.population_gained,
    share_after: feature.properties.share_after,
    lon: feature.geometry.coordinates[0],
    lat: feature.geometry.coordinates[1],
  }));
}

function siteTitle(properties) {
  return t("siteTitle", { rank: properties.rank, street: properties.street || t("unnamedStreet") });
}

function shareChange(shares) {
  return t("siteShares", {
    before: formatPercent(shares.before),
    after: formatPercent(shares.after),
  });
}

function clearSuggestions(stale) {
  answers.siting = null;
  answers.sitingQuestion = null;
  overlays.suggestions.clearLayers();
  suggestionMarkers.length = 0;
  state.counts.suggestions = 0;
  state.suggestions = [];
  state.siting = null;
  $("#suggestions").replaceChildren();
  $("#siting-summary").replaceChildren(stale ? el("p", { class: "hint" }, t("sitingStale")) : "");
}

function renderSuggestions() {
  const list = $("#suggestions");
  const summaryNode = $("#siting-summary");
  const answer = answers.siting;
  if (!answer) return;
  const question = answers.sitingQuestion;
  const summary = answer.summary;
  const gained = Math.round(summary.population_gained);
  summaryNode.replaceChildren(
    answer.features.length === 0
      ? el("p", {}, t("sitingNone"))
      : el(
          "p",
          { class: "siting-summary__lead" },
          t("sitingSummary", {
            k: answer.features.length,
            n: formatInteger(summary.population_gained),
            residents: t("residents", { n: gained }),
            before: formatPercent(summary.share_before),
            after: formatPercent(summary.share_after),
          }),
        ),
    el(
      "p",
      { class: "hint" },
      t("sitingMethod", {
        time: formatDecimal(summary.solve_time_s ?? 0, 3),
        candidates: formatInteger(summary.candidates_considered ?? 0),
        gap: formatPercent(summary.optimality_gap ?? 0),
      }),
    ),
  );
  const shares = siteShares(answer);
  list.replaceChildren(
    ...answer.features.map((feature, index) => {
      const p = feature.properties;
      return el(
        "li",
        { class: "suggestion", "data-rank": p.rank },
        svg(suggestionSvg(p.rank), "suggestion__badge"),
        el(
          "div",
          { class: "suggestion__body" },
          el("h3", { class: "suggestion__title" }, siteTitle(p)),
          el("p", { class: "suggestion__explain" }, siteExplanation(p, question)),
          el("p", { class: "suggestion__shares" }, shareChange(shares[index])),
          el(
            "button",
            {
              type: "button",
              class: "link-button",
              onclick: () => showSuggestion(index),
            },
            t("showOnMap", { rank: p.rank }),
          ),
        ),
      );
    }),
  );
}

function showSuggestion(index) {
  const marker = suggestionMarkers[index];
  if (!marker) return;
  map.setView(marker.getLatLng(), Math.max(map.getZoom(), 16));
  marker.openPopup();
}

// ---------------------------------------------------------------------------------------------
// Panels: summary, gaps, legend, method and sources

function renderCommuneTitle() {
  const feature = answers.commune;
  if (!feature) return;
  const values = { name: feature.properties.name, code: feature.properties.code };
  $("#commune-title").textContent = t("communeTitle", values);
  document.title = t("pageTitle", { commune: feature.properties.name });
}

function renderSummary() {
  const node = $("#summary");
  const answer = answers.zones;
  if (!answer || !state.question) return;
  const question = state.question;
  const s = answer.summary;
  if (!s.population) {
    node.replaceChildren(el("p", {}, t("summaryNoPopulation")));
    return;
  }
  const how = t(`how.${question.mode}`);
  const distance = (value) => (value === null ? t("summaryUnreachable") : formatMetres(value));
  const plan = answer.method?.scenario;
  node.replaceChildren(
    ...(plan ? [el("p", { class: "summary__plan" }, t("summaryPlan", { name: plan.name }))] : []),
    el("p", { class: "summary__figure" }, formatPercent(s.share)),
    el(
      "p",
      { class: "summary__lead" },
      t("summaryLead", {
        share: formatPercent(s.share),
        d: formatMetres(question.within_m),
        how,
        of: ofLayer(question),
      }),
    ),
    el(
      "p",
      {},
      t("summaryCounts", {
        covered: formatInteger(s.population_covered),
        total: formatInteger(s.population),
      }),
      " ",
      t("summaryDistances", { p50: distance(s.distance.p50_m), p90: distance(s.distance.p90_m) }),
    ),
  );
}

// The plan panel: what the chosen plan changes for the question asked, in plain words, from
// /scenarios/{id}/compare (base and plan computed with the same rules).
function renderPlan() {
  const panel = $("#plan-panel");
  const node = $("#plan-explain");
  if (!state.scenario) {
    if (answers.scenarioMissing) {
      panel.hidden = false;
      node.replaceChildren(
        el("p", { class: "status--error" }, t("scenarioMissing", { id: answers.scenarioMissing })),
      );
    } else {
      panel.hidden = true;
      node.replaceChildren();
    }
    return;
  }
  panel.hidden = false;
  const scenario = state.scenario;
  const layer = answers.comparison;
  const question = answers.comparisonQuestion;
  if (!layer || !question || question.scenario !== scenario.id) {
    node.replaceChildren(el("p", { class: "hint" }, t("updating")));
    return;
  }
  const how = t(`how.${question.mode}`);
  const of = ofLayer({ ...question, min_power_kw: null });
  const d = formatMetres(question.within_m);
  const change = layer.population_covered.change;
  const lead =
    Math.round(change) === 0 && layer.share.change === 0
      ? t("planLeadSame", { name: scenario.name, d, how, of, share: formatPercent(layer.share.scenario) })
      : t("planLead", {
          name: scenario.name,
          after: formatPercent(layer.share.scenario),
          before: formatPercent(layer.share.base),
          d,
          how,
          of,
          change: formatSignedInteger(change),
          residents: t("residents", { n: Math.abs(Math.round(change)) }),
        });
  const closed = layer.gaps.closed.length;
  const reduced = layer.gaps.reduced.length;
  const counts = scenario.counts?.[question.layer] || { add: 0, change: 0, remove: 0 };
  const p50 = { before: layer.distance.base.p50_m, after: layer.distance.scenario.p50_m };
  const drawn = state.planned[question.layer] || { add: 0, change: 0 };
  const paragraphs = [
    scenario.description ? el("p", { class: "plan__description" }, scenario.description) : null,
    el("p", { class: "plan__lead" }, lead),
    el(
      "p",
      { class: "plan__gaps" },
      t("planGaps", {
        closed,
        reduced,
        closedText: formatInteger(closed),
        reducedText: formatInteger(reduced),
      }),
    ),
    el(
      "p",
      { class: "plan__assets" },
      t("planAssets", {
        base: formatInteger(layer.assets.base),
        scenario: formatInteger(layer.assets.scenario),
        add: formatInteger(counts.add),
        change: formatInteger(counts.change),
        remove: formatInteger(counts.remove),
      }),
    ),
    p50.before !== null && p50.after !== null
      ? el(
          "p",
          { class: "plan__distances" },
          t("planDistances", { before: formatMetres(p50.before), after: formatMetres(p50.after) }),
        )
      : null,
    question.min_power_kw ? el("p", { class: "hint" }, t("planAllPowers")) : null,
    scenario.base_changed_since ? el("p", { class: "hint" }, t("planBaseChanged")) : null,
    drawn.add + drawn.change > 0
      ? el("button", { type: "button", class: "link-button", onclick: showPlanned }, t("planShow"))
      : el("p", { class: "hint" }, t("planNothingDrawn")),
  ];
  node.replaceChildren(...paragraphs.filter(Boolean));
}

// Fit the map to the assets the plan adds or changes, and open the first one's popup.
function showPlanned() {
  const markers = ASSET_LAYERS.flatMap((layer) =>
    assetMarkers[layer].filter((marker) => marker.feature.properties.scenario_change),
  );
  if (markers.length === 0) return;
  const bounds = L.latLngBounds(markers.map((marker) => marker.getLatLng()));
  map.fitBounds(bounds.pad(0.2), { maxZoom: 17 });
  markers[0].openPopup();
}

function renderGaps() {
  const list = $("#gaps");
  const answer = answers.gaps;
  if (!answer || !state.question) return;
  if (answer.features.length === 0) {
    list.replaceChildren(el("li", {}, t("noGaps")));
    return;
  }
  list.replaceChildren(
    ...answer.features.slice(0, GAPS_LISTED).map((feature) => {
      const p = feature.properties;
      const nearest =
        p.nearest_asset_m === null || p.nearest_asset_m === undefined
          ? null
          : t("gapNearest", { m: formatMetres(p.nearest_asset_m) });
      return el(
        "li",
        {},
        el("span", {}, gapLabel(p, state.question), nearest ? ` (${nearest})` : ""),
        " ",
        el(
          "button",
          { type: "button", class: "link-button", onclick: () => showGap(p.rank) },
          t("showGap", { rank: p.rank }),
        ),
      );
    }),
  );
}

function showGap(rank) {
  const layer = gapLayers.get(rank);
  if (!layer) return;
  map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 17 });
  layer.openTooltip(layer.getBounds().getCenter());
}

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

function buildLegend() {
  const list = $("#legend");
  list.replaceChildren(
    ...LEGEND.map(({ key, symbol }) => {
      const input = el("input", {
        type: "checkbox",
        id: `show-${key}`,
        checked: true,
        "data-overlay": key,
        onchange: (event) => {
          if (event.target.checked) overlays[key].addTo(map);
          else overlays[key].remove();
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
    }),
    ...PLAN_LEGEND.map(({ key, symbol }) =>
      el(
        "li",
        { class: `legend__item legend__item--plan legend__item--${key}`, hidden: true },
        el("span", { class: "legend__spacer", "aria-hidden": "true" }),
        el(
          "span",
          { class: "legend__label" },
          svg(symbol()),
          el("span", { class: "legend__text", "data-legend": key }),
        ),
      ),
    ),
  );
  updateLegend();
}

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

function updateLegend() {
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

function renderMethod() {
  const node = $("#method");
  const method = answers.zones?.method;
  if (!method || !state.question) return;
  const question = state.question;
  const demand = method.demand || {};
  const network = method.network || {};
  const paragraphs = [
    t("methodQuestion", {
      d: formatMetres(question.within_m),
      how: t(`how.${question.mode}`),
      of: ofLayer(question),
    }),
  ];
  if (demand.total_population !== undefined) {
    paragraphs.push(
      t("methodDemand", {
        total: formatInteger(demand.total_population),
        zones: formatInteger(demand.zones_count ?? 0),
        field: demand.population_field,
        file: demand.population_source,
        points: formatInteger(demand.points_count ?? 0),
        spacing: formatMetres(demand.spacing_m ?? 50),
      }),
    );
  }
  paragraphs.push(t("methodDistance"));
  if (network.nodes !== undefined) {
    paragraphs.push(
      t("methodNetwork", { nodes: formatInteger(network.nodes), edges: formatInteger(network.edges) }),
    );
  }
  paragraphs.push(t("methodSiting"));
  node.replaceChildren(...paragraphs.map((text) => el("p", {}, text)));

  const technical = [
    ["question", method.question],
    ["demand", demand.description],
    ["snapping", method.snapping],
    ["network", network.summary],
    ["speeds", method.speeds?.drive],
    ["siting", answers.siting?.method?.siting],
    ...((answers.zones.notes || []).map((note) => ["note", note])),
  ].filter(([, text]) => text);
  $("#technical").replaceChildren(
    ...technical.flatMap(([term, text]) => [el("dt", {}, term), el("dd", { lang: "en" }, text)]),
  );
}

function renderSources() {
  const feature = answers.commune;
  if (!feature) return;
  const info = feature.properties.info || {};
  const sources = (info.sources || []).filter((source) => source && typeof source === "object");
  const dateKeys = ["date", "data_date", "published", "retrieved", "retrieved_at", "snapshot"];
  const items = sources.map((source) => {
    const details = [];
    if (source.licence) details.push(t("sourceLicence", { licence: source.licence }));
    if (source.filename) details.push(t("sourceFile", { file: source.filename }));
    for (const key of dateKeys) if (source[key]) details.push(String(source[key]));
    return el(
      "li",
      {},
      el("strong", {}, source.attribution || source.filename || source.role),
      details.length ? ` — ${details.join(" · ")}` : "",
    );
  });
  if (feature.properties.updated_at) {
    items.push(el("li", {}, t("loadedOn", { date: formatDate(feature.properties.updated_at) })));
  }
  $("#sources").replaceChildren(...items);
}

function mentionsOsm() {
  const sources = answers.commune?.properties?.info?.sources || [];
  return Boolean(config.tileUrl) || sources.some((s) => /openstreetmap/i.test(s?.attribution || ""));
}

// Leaflet writes attributions as HTML: only strings from the dictionary go in, escaped.
function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function updateAttribution() {
  if (!map) return;
  if (attribution) map.attributionControl.removeAttribution(attribution);
  const parts = [];
  if (mentionsOsm()) parts.push(escapeHtml(t("osmAttribution")));
  parts.push(`<a href="#about">${escapeHtml(t("otherSources"))}</a>`);
  attribution = parts.join(" · ");
  map.attributionControl.addAttribution(attribution);
}

// ---------------------------------------------------------------------------------------------
// Language

function applyLanguage(lang) {
  state.lang = setLanguage(lang);
  document.documentElement.lang = state.lang;
  for (const node of document.querySelectorAll("[data-i18n]")) {
    node.textContent = t(node.dataset.i18n);
  }
  for (const node of document.querySelectorAll("[data-i18n-power]")) {
    node.textContent = t("powerOption", { p: node.dataset.i18nPower });
  }
  const other = state.lang === "fr" ? "en" : "fr";
  const toggle = $("#lang-toggle");
  toggle.textContent = STRINGS[state.lang].switchTo;
  toggle.setAttribute("lang", other);
  toggle.setAttribute("aria-label", STRINGS[state.lang].switchToLabel);
  toggle.dataset.lang = other;
  updateDistanceOutput();
  renderCommuneTitle();
  if (!answers.commune) document.title = STRINGS[state.lang].pageTitle.replace("{commune}", "");
  buildScenarioSelect();
  updateLegend();
  renderSummary();
  renderPlan();
  renderGaps();
  renderSuggestions();
  renderMethod();
  renderSources();
  updateAttribution();
  for (const layer of ASSET_LAYERS) {
    for (const marker of assetMarkers[layer]) {
      const element = marker.getElement();
      if (element) element.title = assetTitle(layer, marker.feature.properties);
    }
  }
  for (const marker of suggestionMarkers) {
    const element = marker.getElement();
    if (element) element.title = t("title.suggestion", { rank: marker.rank });
  }
  const url = new URL(window.location.href);
  if (state.lang === "fr") url.searchParams.delete("lang");
  else url.searchParams.set("lang", state.lang);
  window.history.replaceState(null, "", url);
}

function updateDistanceOutput() {
  const input = form.elements.within_m;
  $("#distance-value").textContent = formatMetres(Number(input.value));
  input.setAttribute("aria-valuetext", t("distanceValueText", { d: formatInteger(Number(input.value)) }));
}

function updatePowerState() {
  const enabled = form.elements.layer.value === "charging-points";
  form.elements.min_power_kw.disabled = !enabled;
}

// ---------------------------------------------------------------------------------------------
// Start

function buildCommuneSelect() {
  const select = $("#commune-select");
  const communes = config.communes || [];
  select.replaceChildren(
    ...communes.map((c) =>
      el("option", { value: c.code, selected: c.code === state.commune }, `${c.name} (${c.code})`),
    ),
  );
  select.addEventListener("change", () => {
    const url = new URL(window.location.href);
    url.searchParams.set("commune", select.value);
    url.searchParams.delete("scenario"); // a plan is over one commune
    window.location.assign(url);
  });
}

// ---------------------------------------------------------------------------------------------
// Plans (what-if scenarios)

function scenarioLabel(scenario) {
  return scenario.promoted_at ? t("scenarioPromoted", { name: scenario.name }) : scenario.name;
}

function buildScenarioSelect() {
  const select = $("#scenario");
  if (!select) return;
  select.replaceChildren(
    el("option", { value: "" }, t("scenarioNone")),
    ...answers.scenarios.map((scenario) => el("option", { value: scenario.id }, scenarioLabel(scenario))),
  );
  select.value = state.scenario ? state.scenario.id : "";
}

function describeScenario(document) {
  return {
    id: document.id,
    name: document.name,
    commune: document.commune,
    description: document.description ?? null,
    counts: document.counts || {},
    base_changed_since: Boolean(document.base_changed_since),
  };
}

// Keep the plan in the address (?scenario=<id>), so that the view can be shared as it is.
function updateScenarioUrl() {
  const url = new URL(window.location.href);
  if (state.scenario) url.searchParams.set("scenario", state.scenario.id);
  else url.searchParams.delete("scenario");
  window.history.replaceState(null, "", url);
}

// Find the plan a link names: among the commune's, else by id (it may be over another loaded
// commune: the page then opens that commune). Return the plan, null, or "moved".
async function resolveScenario(id) {
  const known = answers.scenarios.find((scenario) => scenario.id === id);
  if (known) return known;
  let found = null;
  try {
    found = await api(`scenarios/${encodeURIComponent(id)}`);
  } catch {
    found = null;
  }
  if (found && found.commune !== state.commune) {
    if ((config.communes || []).some((c) => c.code === found.commune)) {
      const url = new URL(window.location.href);
      url.searchParams.set("commune", found.commune);
      leaving = true;
      window.location.replace(url);
      return "moved";
    }
    found = null;
  }
  if (found) answers.scenarios.push(found);
  return found;
}

function chooseScenario(id) {
  const found = answers.scenarios.find((scenario) => scenario.id === id);
  state.scenario = found ? describeScenario(found) : null;
  answers.scenarioMissing = null;
  setComparison(null, readQuestion());
  updateScenarioUrl();
  renderPlan();
  updateLegend();
  clearTimeout(redrawTimer);
  track(() => Promise.all(ASSET_LAYERS.map((layer) => loadAssets(layer))));
  redraw();
}

function wireControls() {
  form.addEventListener("submit", (event) => event.preventDefault());
  form.elements.within_m.addEventListener("input", updateDistanceOutput);
  form.elements.within_m.addEventListener("change", scheduleRedraw);
  form.elements.layer.addEventListener("change", () => {
    updatePowerState();
    scheduleRedraw();
  });
  for (const radio of form.querySelectorAll("input[name=mode]")) {
    radio.addEventListener("change", scheduleRedraw);
  }
  form.elements.min_power_kw.addEventListener("change", () => {
    track(() => loadAssets("charging-points"));
    scheduleRedraw();
  });
  $("#siting-form").addEventListener("submit", suggest);
  $("#scenario").addEventListener("change", (event) => chooseScenario(event.target.value));
  $("#lang-toggle").addEventListener("click", () => applyLanguage($("#lang-toggle").dataset.lang));
}

// The sticky map sits under the sticky header: keep --header-height true when the header wraps.
function followHeaderHeight() {
  const header = document.querySelector(".site-header");
  const update = () => {
    document.documentElement.style.setProperty("--header-height", `${header.offsetHeight}px`);
    if (map) map.invalidateSize();
  };
  new ResizeObserver(update).observe(header);
  update();
}

async function start() {
  followHeaderHeight();
  const requested = new URL(window.location.href).searchParams.get("lang");
  applyLanguage(requested && STRINGS[requested] ? requested : "fr");
  buildCommuneSelect();
  updatePowerState();
  if (!state.commune || !L) {
    $("#status").textContent = t("noCommune");
    state.ready = true;
    return;
  }
  initMap();
  buildLegend();
  wireControls();
  setStatus("loading");
  const requestedScenario = new URL(window.location.href).searchParams.get("scenario");
  await track(async () => {
    const [commune, streets, scenarios] = await Promise.all([
      api(`collections/communes/items/${encodeURIComponent(state.commune)}`),
      api(communePath("/streets.geojson")),
      api(`scenarios?${new URLSearchParams({ commune: state.commune })}`),
    ]);
    answers.scenarios = scenarios.scenarios || [];
    if (requestedScenario) {
      const found = await resolveScenario(requestedScenario);
      if (found === "moved") return;
      if (found) state.scenario = describeScenario(found);
      else {
        answers.scenarioMissing = requestedScenario;
        state.errors.push(t("scenarioMissing", { id: requestedScenario }));
        updateScenarioUrl();
      }
    }
    buildScenarioSelect();
    renderPlan();
    drawCommune(commune);
    drawStreets(streets);
    await Promise.all([...ASSET_LAYERS.map((layer) => loadAssets(layer)), redraw()]);
  });
  if (leaving) return;
  state.ready = true;
}

start();
