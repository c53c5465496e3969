// SPDX-License-Identifier: MIT
// Plans (what-if scenarios): the selector, the plan named in the address, and the panel that says
// in words what the chosen plan changes for the question asked, from /scenarios/{id}/compare
// (base and plan computed with the same rules).
import { api } from "./api.js";
import { config } from "./config.js";
import { $, el } from "./dom.js";
import { formatInteger, formatMetres, formatShare, formatSignedInteger } from "./format.js";
import { t } from "./i18n.js";
import { populationNote } from "./population.js";
import { ASSET_LAYERS, ofLayer } from "./question.js";
import { addScenario, answers, markLeaving, state, view } from "./state.js";

const L = window.L;

// The /compare figures kept in the page state for one layer (null: no plan or no answer).
export function comparisonFigures(layer, question) {
  if (!layer) return null;
  return {
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

function scenarioLabel(scenario) {
  return scenario.promoted_at ? t("scenarioPromoted", { name: scenario.name }) : scenario.name;
}

export function buildScenarioSelect() {
  const select = $("#scenario");
  if (!select) return;
  select.replaceChildren(
    el("option", { value: "" }, t("scenarioNone")),
    ...answers.scenarios.map((scenario) => el("option", { value: scenario.id }, scenarioLabel(scenario))),
  );
  select.value = state.scenario ? state.scenario.id : "";
}

export function describeScenario(document) {
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
export function updateScenarioUrl() {
  const url = new URL(window.location.href);
  if (state.scenario) url.searchParams.set("scenario", state.scenario.id);
  else url.searchParams.delete("scenario");
  window.history.replaceState(null, "", url);
}

// Find the plan a link names: among the commune's, else by id (it may be over another loaded
// commune: the page then opens that commune). Return the plan, null, or "moved".
export async function resolveScenario(id) {
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
      markLeaving();
      window.location.replace(url);
      return "moved";
    }
    found = null;
  }
  if (found) addScenario(found);
  return found;
}

function planLead(scenario, layer, question) {
  const how = t(`how.${question.mode}`);
  const of = ofLayer({ ...question, min_power_kw: null });
  const d = formatMetres(question.within_m);
  if (layer.share.scenario === null || layer.share.base === null) {
    return t("planNoPopulation", { name: scenario.name });
  }
  const change = layer.population_covered.change;
  if (Math.round(change) === 0 && layer.share.change === 0) {
    return t("planLeadSame", { name: scenario.name, d, how, of, share: formatShare(layer.share.scenario) });
  }
  return t("planLead", {
    name: scenario.name,
    after: formatShare(layer.share.scenario),
    before: formatShare(layer.share.base),
    d,
    how,
    of,
    change: formatSignedInteger(change),
    residents: t("residents", { n: Math.abs(Math.round(change)) }),
  });
}

function renderMissingPlan(panel, node) {
  if (answers.scenarioMissing) {
    panel.hidden = false;
    node.replaceChildren(
      el("p", { class: "status--error" }, t("scenarioMissing", { id: answers.scenarioMissing })),
    );
  } else {
    panel.hidden = true;
    node.replaceChildren();
  }
}

// The plan panel: what the chosen plan changes for the question asked, in plain words.
export function renderPlan() {
  const panel = $("#plan-panel");
  const node = $("#plan-explain");
  if (!state.scenario) {
    renderMissingPlan(panel, node);
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
  const closed = layer.gaps.closed.length;
  const reduced = layer.gaps.reduced.length;
  const counts = scenario.counts?.[question.layer] || { add: 0, change: 0, remove: 0 };
  const p50 = { before: layer.distance.base.p50_m, after: layer.distance.scenario.p50_m };
  const drawn = state.planned[question.layer] || { add: 0, change: 0 };
  const counted = layer.share.scenario !== null && layer.share.base !== null;
  const paragraphs = [
    scenario.description ? el("p", { class: "plan__description" }, scenario.description) : null,
    el("p", { class: "plan__lead" }, planLead(scenario, layer, question)),
    counted
      ? el(
          "p",
          { class: "plan__gaps" },
          t("planGaps", {
            closed,
            reduced,
            closedText: formatInteger(closed),
            reducedText: formatInteger(reduced),
          }),
        )
      : null,
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
    counted ? populationNote() : null,
    drawn.add + drawn.change > 0
      ? el("button", { type: "button", class: "link-button", onclick: showPlanned }, t("planShow"))
      : el("p", { class: "hint" }, t("planNothingDrawn")),
  ];
  node.replaceChildren(...paragraphs.filter(Boolean));
}

// Fit the map to the assets the plan adds or changes, and open the first one's popup.
function showPlanned() {
  const markers = ASSET_LAYERS.flatMap((layer) =>
    view.assetMarkers[layer].filter((marker) => marker.feature.properties.scenario_change),
  );
  if (markers.length === 0) return;
  const bounds = L.latLngBounds(markers.map((marker) => marker.getLatLng()));
  view.map.fitBounds(bounds.pad(0.2), { maxZoom: 17 });
  markers[0].openPopup();
}
