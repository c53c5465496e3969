// SPDX-License-Identifier: MIT
// The panels beside the map: the commune's title, the coverage summary, the largest gaps, the
// method and the sources. Each names the population its figures count.
import { $, el } from "./dom.js";
import { formatDate, formatDecimal, formatInteger, formatMetres, formatShare } from "./format.js";
import { t } from "./i18n.js";
import { countsPopulation, noPopulationNodes, populationNote } from "./population.js";
import { ofLayer } from "./question.js";
import { answers, state, view } from "./state.js";

const GAPS_LISTED = 5;

export function renderCommuneTitle() {
  const feature = answers.commune;
  if (!feature) return;
  const values = { name: feature.properties.name, code: feature.properties.code };
  $("#commune-title").textContent = t("communeTitle", values);
  document.title = t("pageTitle", { commune: feature.properties.name });
}

export function renderSummary() {
  const node = $("#summary");
  const answer = answers.zones;
  if (!answer || !state.question) return;
  const question = state.question;
  const s = answer.summary;
  if (!countsPopulation(s)) {
    node.replaceChildren(...noPopulationNodes(s));
    return;
  }
  const how = t(`how.${question.mode}`);
  const distance = (value) => (value === null ? t("summaryUnreachable") : formatMetres(value));
  const plan = answer.method?.scenario;
  node.replaceChildren(
    ...(plan ? [el("p", { class: "summary__plan" }, t("summaryPlan", { name: plan.name }))] : []),
    el("p", { class: "summary__figure" }, formatShare(s.share)),
    el(
      "p",
      { class: "summary__lead" },
      t("summaryLead", {
        share: formatShare(s.share),
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
    populationNote() || "",
  );
}

export function gapLabel(properties, question) {
  return t("gapItem", {
    rank: properties.rank,
    n: formatInteger(properties.population_unserved),
    residents: t("residents", { n: Math.round(properties.population_unserved) }),
    d: formatMetres(question.within_m),
    how: t(`how.${question.mode}`),
    area: formatDecimal(properties.area_m2 / 10000, 1),
  });
}

// The gap's `nearest_asset_m` is the street distance from the gap's demand point nearest to an
// asset (the people counted there) to that asset: the rest of the gap is farther.
function gapNearest(properties, question) {
  if (properties.nearest_asset_m === null || properties.nearest_asset_m === undefined) {
    return t("gapNearestNone");
  }
  return t("gapNearest", {
    m: formatMetres(properties.nearest_asset_m),
    how: t(`how.${question.mode}`),
  });
}

export function renderGaps() {
  const list = $("#gaps");
  const note = $("#gaps-population");
  const answer = answers.gaps;
  if (!answer || !state.question) return;
  if (!countsPopulation(answers.zones?.summary)) {
    list.replaceChildren(el("li", { class: "gaps__none" }, t("gapsNoPopulation")));
    note.replaceChildren();
    return;
  }
  note.replaceChildren(populationNote() || "");
  if (answer.features.length === 0) {
    list.replaceChildren(el("li", {}, t("noGaps")));
    return;
  }
  list.replaceChildren(
    ...answer.features.slice(0, GAPS_LISTED).map((feature) => {
      const p = feature.properties;
      return el(
        "li",
        { class: "gap", "data-rank": p.rank },
        el("span", { class: "gap__label" }, gapLabel(p, state.question)),
        " ",
        el("span", { class: "gap__nearest" }, gapNearest(p, state.question)),
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
  const layer = view.gapLayers.get(rank);
  if (!layer) return;
  view.map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 17 });
  layer.openTooltip(layer.getBounds().getCenter());
}

export function renderMethod() {
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
  if (demand.total_population !== undefined && countsPopulation(answers.zones.summary)) {
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
  node.replaceChildren(...paragraphs.map((text) => el("p", {}, text)), populationNote() || "");

  const technical = [
    ["question", method.question],
    ["demand", demand.description],
    ["snapping", method.snapping],
    ["network", network.summary],
    ["speeds", method.speeds?.drive],
    ["siting", answers.siting?.method?.siting],
    ...(answers.zones.notes || []).map((note) => ["note", note]),
  ].filter(([, text]) => text);
  $("#technical").replaceChildren(
    ...technical.flatMap(([term, text]) => [el("dt", {}, term), el("dd", { lang: "en" }, text)]),
  );
}

export function renderSources() {
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
