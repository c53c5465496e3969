// SPDX-License-Identifier: MIT
// The /map page: the commune's streets and IRIS zones as the basemap, the three asset layers, the
// coverage, service areas and gaps for the question set in the form, and "Where next?"
// suggestions explained in plain words. Every figure comes from the API of this same server.
// A plan (a what-if scenario, /map?scenario=<id>) can be chosen: the assets are then the plan's,
// its new and changed ones ringed, every analysis runs on it, and a panel says in words what it
// changes (from /scenarios/{id}/compare). `window.mapState` exposes what is drawn (counts, shares,
// suggestions, the plan and its comparison) for tests and curious readers. A stored coverage
// batch (/map?batch=<id>) shows a whole territory instead: its communes shaded by share.
//
// This module wires the others together: it starts the page, listens to the controls and
// switches the language.
import { api } from "./api.js";
import { config } from "./config.js";
import { fillBatchPicker, showBatch } from "./batch.js";
import { cancelRedraw, redraw, scheduleRedraw } from "./coverage.js";
import { $, el } from "./dom.js";
import { formatInteger, formatMetres } from "./format.js";
import { STRINGS, pickLanguage, t } from "./i18n.js";
import {
  drawCommune,
  drawStreets,
  initMap,
  loadAssets,
  retitleMarkers,
  updateAttribution,
} from "./layers.js";
import { addLegendControl, updateLegend } from "./legend.js";
import {
  renderCommuneTitle,
  renderGaps,
  renderMethod,
  renderSources,
  renderSummary,
} from "./panels.js";
import {
  buildScenarioSelect,
  describeScenario,
  renderPlan,
  resolveScenario,
  updateScenarioUrl,
} from "./plans.js";
import { ASSET_LAYERS, readQuestion } from "./question.js";
import {
  answers,
  markReady,
  recordError,
  setComparison,
  setCommune,
  setCommuneAnswer,
  setLanguage,
  setScenario,
  setScenarios,
  state,
  view,
} from "./state.js";
import { renderStatus, setStatus, track } from "./status.js";
import {
  renderSuggestions,
  retitleSuggestions,
  suggest,
  updateSitingButton,
} from "./suggestions.js";

const L = window.L;
const form = $("#controls");
window.mapState = state;

function applyLanguage(lang) {
  setLanguage(pickLanguage(lang));
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
  renderStatus();
  renderCommuneTitle();
  if (!answers.commune) document.title = STRINGS[state.lang].pageTitle.replace("{commune}", "");
  buildScenarioSelect();
  updateLegend();
  renderSummary();
  renderPlan();
  renderGaps();
  renderSuggestions();
  updateSitingButton();
  renderMethod();
  renderSources();
  updateAttribution();
  retitleMarkers();
  retitleSuggestions();
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

function chooseScenario(id) {
  const found = answers.scenarios.find((scenario) => scenario.id === id);
  setScenario(found ? describeScenario(found) : null);
  setComparison(null, readQuestion(), null);
  updateScenarioUrl();
  renderPlan();
  updateLegend();
  cancelRedraw();
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
    if (view.map) view.map.invalidateSize();
  };
  new ResizeObserver(update).observe(header);
  update();
}

// The plan a link names (?scenario=<id>): chosen if found, else said missing.
async function openLinkedScenario(requested) {
  const found = await resolveScenario(requested);
  if (found === "moved") return false;
  if (found) setScenario(describeScenario(found));
  else {
    setScenario(null, requested);
    recordError(t("scenarioMissing", { id: requested }));
    updateScenarioUrl();
  }
  return true;
}

// A territory's batch (?batch=<id>): its communes shaded by share instead of one commune.
async function startBatch(batchId) {
  document.body.classList.add("batch-view");
  const map = initMap();
  setStatus("loading");
  await track(async () => {
    const shown = await showBatch(map, batchId);
    setStatus("batchShown", { n: shown.drawn, total: shown.communes, failed: shown.failed });
  });
  markReady();
}

async function start() {
  setCommune(config.commune);
  followHeaderHeight();
  applyLanguage(new URL(window.location.href).searchParams.get("lang"));
  buildCommuneSelect();
  updatePowerState();
  const batchId = new URL(window.location.href).searchParams.get("batch");
  await fillBatchPicker(batchId);
  if (batchId && L) {
    await startBatch(batchId);
    return;
  }
  if (!state.commune || !L) {
    setStatus("noCommune");
    markReady();
    return;
  }
  const map = initMap();
  addLegendControl(map);
  wireControls();
  setStatus("loading");
  const requestedScenario = new URL(window.location.href).searchParams.get("scenario");
  await track(async () => {
    const [commune, streets, scenarios] = await Promise.all([
      api(`collections/communes/items/${encodeURIComponent(state.commune)}`),
      api(`communes/${encodeURIComponent(state.commune)}/streets.geojson`),
      api(`scenarios?${new URLSearchParams({ commune: state.commune })}`),
    ]);
    setScenarios(scenarios.scenarios || []);
    if (requestedScenario && !(await openLinkedScenario(requestedScenario))) return;
    buildScenarioSelect();
    renderPlan();
    setCommuneAnswer(commune);
    drawCommune(commune);
    renderCommuneTitle();
    renderSources();
    updateAttribution();
    drawStreets(streets);
    await Promise.all([...ASSET_LAYERS.map((layer) => loadAssets(layer)), redraw()]);
  });
  if (view.leaving) return;
  markReady();
}

start();
