// SPDX-License-Identifier: MIT
// A territory at a glance: the communes of a stored coverage batch (/map?batch=<id>, written by
// `mobility batch coverage … --to-store`) shaded by the share of their population within reach,
// with a legend of the classes and the communes that failed. Every figure is the batch's row of
// the commune (zone empty) as GET /batches/{id}/results serves it; nothing is recomputed here.
import { api } from "./api.js";
import { $, el, svg } from "./dom.js";
import { formatInteger, formatPercent } from "./format.js";
import { t } from "./i18n.js";
import { state, view } from "./state.js";
import { NO_POPULATION_COLOUR, SHARE_CLASSES, areaSwatch, shareColour } from "./symbols.js";

const L = window.L;
const FAILED_COLOUR = "#ffffff";
const BOUNDS = [0, 0.2, 0.4, 0.6, 0.8, 1];

// The batches the picker offers: the coverage batches stored, newest first.
// A page whose batches cannot be read (a key needed, an older server) simply shows no picker.
export async function fillBatchPicker(current) {
  const field = $("#batch-field");
  const select = $("#batch-select");
  let listed;
  try {
    listed = await api("batches");
  } catch {
    field.hidden = !current;
    return;
  }
  const coverage = (listed.batches || []).filter((batch) => batch.analysis === "coverage");
  select.replaceChildren(
    el("option", { value: "" }, t("batchNone")),
    ...coverage.map((batch) =>
      el(
        "option",
        { value: batch.id, selected: batch.id === current },
        t("batchOption", { id: batch.id, n: batch.progress.communes, status: batch.status }),
      ),
    ),
  );
  field.hidden = coverage.length === 0 && !current;
  select.addEventListener("change", () => {
    const url = new URL(window.location.href);
    if (select.value) url.searchParams.set("batch", select.value);
    else url.searchParams.delete("batch");
    window.location.assign(url);
  });
}

function communeRows(collection) {
  return (collection.features || []).filter(
    (feature) => feature.properties.zone === "" || feature.properties.zone === null,
  );
}

function tooltip(properties) {
  if (properties.status === "failed") {
    return `${properties.commune}: ${t("batchFailed")} (${properties.reason})`;
  }
  if (properties.share === null || properties.share === undefined) {
    return `${properties.commune}: ${t("legend.noPopulation")}`;
  }
  return t("batchTooltip", {
    code: properties.commune,
    share: formatPercent(properties.share, 1),
    covered: formatInteger(Math.round(properties.population_covered)),
    population: formatInteger(properties.population),
  });
}

function styleOf(properties) {
  const failed = properties.status === "failed";
  return {
    pane: "zones",
    color: failed ? "#b91c1c" : "#374151",
    weight: failed ? 2 : 1,
    dashArray: failed ? "4 3" : null,
    fillColor: failed ? FAILED_COLOUR : shareColour(properties.share),
    fillOpacity: 0.8,
  };
}

function legendItems(failed) {
  const classes = SHARE_CLASSES.map((c, i) =>
    el(
      "li",
      {},
      svg(areaSwatch({ fill: c.colour, stroke: "#6b7280" })),
      el(
        "span",
        { "data-scale": i },
        `${formatPercent(BOUNDS[i], 0)} – ${formatPercent(BOUNDS[i + 1], 0)}`,
      ),
    ),
  );
  classes.push(
    el(
      "li",
      {},
      svg(areaSwatch({ fill: NO_POPULATION_COLOUR, stroke: "#6b7280" })),
      el("span", {}, t("legend.noPopulation")),
    ),
  );
  if (failed) {
    classes.push(
      el(
        "li",
        {},
        svg(areaSwatch({ fill: FAILED_COLOUR, stroke: "#b91c1c", dash: "4 3" })),
        el("span", { "data-scale": "failed" }, t("batchFailedCount", { n: failed })),
      ),
    );
  }
  return classes;
}

function addBatchLegend(map, document_, failed) {
  const Legend = L.Control.extend({
    options: { position: "topright" },
    onAdd: () => {
      const node = el(
        "div",
        { class: "legend-control batch-legend", id: "batch-legend" },
        el("p", { class: "batch-legend__title" }, t("batchLegendTitle")),
        el(
          "p",
          { class: "hint" },
          t("batchLegendQuestion", {
            within: formatInteger(document_.parameters.within_m),
            layer: t(`legend.${document_.parameters.layer}`),
          }),
        ),
        el("ul", { class: "scale" }, legendItems(failed)),
      );
      L.DomEvent.disableClickPropagation(node);
      return node;
    },
  });
  new Legend().addTo(map);
}

// Draw the batch's communes, shaded by share, and its legend; say what is drawn in the status.
export async function showBatch(map, batchId) {
  const [document_, collection] = await Promise.all([
    api(`batches/${encodeURIComponent(batchId)}`),
    api(`batches/${encodeURIComponent(batchId)}/results`),
  ]);
  const rows = communeRows(collection);
  const drawn = rows.filter((feature) => feature.geometry);
  const shaded = L.geoJSON(
    { type: "FeatureCollection", features: drawn },
    {
      style: (feature) => styleOf(feature.properties),
      onEachFeature: (feature, layer) => layer.bindTooltip(tooltip(feature.properties)),
    },
  );
  view.overlays.zones.clearLayers().addLayer(shaded);
  if (drawn.length) map.fitBounds(shaded.getBounds(), { padding: [12, 12] });
  else map.setView([46.6, 2.4], 5);
  const failed = rows.filter((feature) => feature.properties.status === "failed").length;
  state.batch = {
    id: batchId,
    status: document_.status,
    communes: document_.progress.communes,
    drawn: drawn.length,
    failed,
    shares: Object.fromEntries(
      rows
        .filter((feature) => feature.properties.status === "done")
        .map((feature) => [feature.properties.commune, feature.properties.share]),
    ),
  };
  addBatchLegend(map, document_, failed);
  return state.batch;
}
