// SPDX-License-Identifier: MIT
// Whom the figures count. The page never assumes it: it quotes what the API says of the
// commune's population source (its attribution, field and file), and says plainly when the
// commune has no population, with the API's reason and how to add one.
import { el } from "./dom.js";
import { formatInteger } from "./format.js";
import { t } from "./i18n.js";
import { state } from "./state.js";

// The population the answers count: from the coverage answer's method (its population source
// and demand), else from the commune's sources; null when the commune has none.
export function readPopulation(zonesAnswer, communeFeature) {
  const method = zonesAnswer?.method || {};
  const sources = method.sources || communeFeature?.properties?.info?.sources || [];
  const source = sources.find((each) => each && each.role === "population");
  const demand = method.demand || communeFeature?.properties?.info?.demand || {};
  if (!source && !demand.population_field) return null;
  return {
    attribution: source?.attribution || null,
    field: demand.population_field || null,
    file: demand.population_source || source?.filename || null,
    total: demand.total_population ?? null,
  };
}

// Whether a summary counts anyone: the API answers `share: null` (with a reason) when the commune
// has no population; an older answer said 0 people.
export function countsPopulation(summary) {
  if (!summary) return false;
  if (summary.share === null) return false;
  return Boolean(summary.population);
}

// "Who is counted: the population of the source « … » (field C11_POP15P of file …)."
export function populationNote() {
  const population = state.population;
  if (!population) return null;
  const parts = [];
  if (population.field) parts.push(t("populationField", { field: population.field }));
  if (population.file) parts.push(t("populationFile", { file: population.file }));
  const where = parts.length ? ` (${parts.join(", ")})` : "";
  const quoted = population.attribution
    ? t("populationQuoted", { source: population.attribution })
    : t("populationUnnamed");
  return el(
    "p",
    { class: "population-note" },
    el("strong", {}, t("populationWho")),
    " ",
    quoted,
    `${where}.`,
    population.total === null ? "" : ` ${t("populationTotal", { n: formatInteger(population.total) })}`,
  );
}

// What the page says instead of any figure when the commune has no population.
export function noPopulationNodes(summary) {
  const reason = summary?.share_unavailable_reason;
  return [
    el("p", { class: "no-population__lead" }, t("noPopulation")),
    el("p", { class: "no-population__how" }, t("noPopulationHow", { code: state.commune })),
    reason
      ? el("p", { class: "hint" }, `${t("apiSays")} `, el("span", { lang: "en" }, reason))
      : null,
  ].filter(Boolean);
}
