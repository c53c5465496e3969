// SPDX-License-Identifier: MIT
// The question set in the form (layer, mode, distance, power, plan) and how it is asked of the
// API and said in words.
import { $ } from "./dom.js";
import { t } from "./i18n.js";
import { state } from "./state.js";

export const ASSET_LAYERS = ["charging-points", "parking", "hubs"];

export function readQuestion() {
  const form = $("#controls");
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

export function sameQuestion(a, b) {
  return Boolean(a && b) && JSON.stringify(a) === JSON.stringify(b);
}

export function analysisQuery(question) {
  const params = new URLSearchParams({
    layer: question.layer,
    mode: question.mode,
    within_m: String(question.within_m),
  });
  if (question.min_power_kw) params.set("min_power_kw", String(question.min_power_kw));
  if (question.scenario) params.set("scenario", question.scenario);
  return params.toString();
}

// /compare answers for the layer, mode and distance asked (it has no power filter: it counts
// every charging point, which the plan panel says).
export function compareQuery(question) {
  return new URLSearchParams({
    layer: question.layer,
    mode: question.mode,
    within_m: String(question.within_m),
  }).toString();
}

export function communePath(suffix) {
  return `communes/${encodeURIComponent(state.commune)}${suffix}`;
}

export function scenarioPath(suffix = "") {
  return `scenarios/${encodeURIComponent(state.scenario.id)}${suffix}`;
}

// "d'une borne de 50 kW ou plus" / "a charging point of 50 kW or more"
export function ofLayer(question) {
  if (question.layer === "charging-points" && question.min_power_kw) {
    return t("of.charging-points.power", { p: question.min_power_kw });
  }
  return t(`of.${question.layer}`);
}
