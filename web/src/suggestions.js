// SPDX-License-Identifier: MIT
// "Where next?": siting suggestions, numbered on the map and explained in words. The button is
// disabled, with the reason shown beside it, while the API cannot answer: before the coverage
// is known, when the commune has no population, and while a search is running.
import { postJson } from "./api.js";
import { $, el, svg } from "./dom.js";
import { formatDecimal, formatInteger, formatMetres, formatShare } from "./format.js";
import { t } from "./i18n.js";
import { updateLegend } from "./legend.js";
import { renderMethod } from "./panels.js";
import { countsPopulation, populationNote } from "./population.js";
import { communePath, ofLayer, readQuestion } from "./question.js";
import {
  answers,
  isLatestRun,
  setSiting,
  setSitingButton,
  setSitingError,
  setSitingRunning,
  startRun,
  state,
  view,
} from "./state.js";
import { problemNodes, setStatus, track } from "./status.js";
import { suggestionSvg } from "./symbols.js";

const L = window.L;
const POWER_CLASSES = { 7: "ac_7", 22: "ac_22", 50: "dc_50", 150: "dc_150" };

// Why "Suggest" cannot be asked now (a dictionary key), or null when it can.
function sitingBlocker() {
  if (state.sitingRunning) return "sitingBusy";
  if (!answers.zones || !state.question) return "sitingWaitCoverage";
  if (!countsPopulation(answers.zones.summary)) return "sitingNoPopulation";
  return null;
}

export function updateSitingButton() {
  const reason = sitingBlocker();
  setSitingButton(reason === null, reason);
  const button = $("#siting-submit");
  button.disabled = reason !== null;
  $("#siting-reason").textContent = reason ? t(reason) : "";
}

export async function suggest(event) {
  event.preventDefault();
  const countInput = $("#site-count");
  if (!countInput.reportValidity() || sitingBlocker() !== null) return;
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
  const run = startRun("siting");
  setSitingRunning(true);
  setSitingError(null);
  updateSitingButton();
  await track(async () => {
    setStatus("siting");
    try {
      const answer = await postJson(communePath("/siting"), body);
      if (!isLatestRun("siting", run)) return;
      drawSuggestions(answer, question);
      renderSuggestions();
      renderMethod();
      updateLegend();
      setStatus("ready");
    } catch (error) {
      if (isLatestRun("siting", run)) {
        setSitingError(error);
        renderSuggestions();
      }
      throw error;
    }
  });
  if (isLatestRun("siting", run)) {
    setSitingRunning(false);
    updateSitingButton();
  }
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

function siteTitle(properties) {
  return t("siteTitle", { rank: properties.rank, street: properties.street || t("unnamedStreet") });
}

function shareChange(shares) {
  return t("siteShares", { before: formatShare(shares.before), after: formatShare(shares.after) });
}

function drawSuggestions(answer, question) {
  view.overlays.suggestions.clearLayers();
  const shares = siteShares(answer);
  const markers = answer.features.map((feature, index) => {
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
    view.overlays.suggestions.addLayer(marker);
    return marker;
  });
  setSiting(
    answer,
    question,
    markers,
    answer.features.map((feature) => ({
      rank: feature.properties.rank,
      street: feature.properties.street,
      population_gained: feature.properties.population_gained,
      share_after: feature.properties.share_after,
      lon: feature.geometry.coordinates[0],
      lat: feature.geometry.coordinates[1],
    })),
  );
}

export function clearSuggestions(stale) {
  view.overlays.suggestions.clearLayers();
  setSiting(null, null, [], []);
  $("#suggestions").replaceChildren();
  $("#siting-summary").replaceChildren(stale ? el("p", { class: "hint" }, t("sitingStale")) : "");
}

function renderSitingError(problem) {
  $("#suggestions").replaceChildren();
  $("#siting-summary").replaceChildren(
    el("p", { class: "siting-summary__error status--error", role: "alert" }, problemNodes(problem)),
  );
}

function sitingSummary(answer) {
  const summary = answer.summary;
  const gained = Math.round(summary.population_gained);
  return [
    answer.features.length === 0
      ? el("p", {}, t("sitingNone"))
      : el(
          "p",
          { class: "siting-summary__lead" },
          t("sitingSummary", {
            k: answer.features.length,
            n: formatInteger(summary.population_gained),
            residents: t("residents", { n: gained }),
            before: formatShare(summary.share_before),
            after: formatShare(summary.share_after),
          }),
        ),
    el(
      "p",
      { class: "hint" },
      t("sitingMethod", {
        time: formatDecimal(summary.solve_time_s ?? 0, 3),
        candidates: formatInteger(summary.candidates_considered ?? 0),
        gap: formatShare(summary.optimality_gap ?? 0),
      }),
    ),
    populationNote(),
  ];
}

export function renderSuggestions() {
  if (answers.sitingError) {
    renderSitingError(answers.sitingError);
    return;
  }
  const answer = answers.siting;
  if (!answer) return;
  const question = answers.sitingQuestion;
  $("#siting-summary").replaceChildren(...sitingSummary(answer).filter(Boolean));
  const shares = siteShares(answer);
  $("#suggestions").replaceChildren(
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
            { type: "button", class: "link-button", onclick: () => showSuggestion(index) },
            t("showOnMap", { rank: p.rank }),
          ),
        ),
      );
    }),
  );
}

function showSuggestion(index) {
  const marker = view.suggestionMarkers[index];
  if (!marker) return;
  view.map.setView(marker.getLatLng(), Math.max(view.map.getZoom(), 16));
  marker.openPopup();
}

// Suggestion markers' titles follow the page's language.
export function retitleSuggestions() {
  for (const marker of view.suggestionMarkers) {
    const element = marker.getElement();
    if (element) element.title = t("title.suggestion", { rank: marker.rank });
  }
}
