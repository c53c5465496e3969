// SPDX-License-Identifier: MIT
// The coverage for the question in the form: IRIS zones coloured by their share within reach,
// the streets within reach (service areas) and the gaps, redrawn when the question changes.
import { api } from "./api.js";
import { formatInteger, formatShare } from "./format.js";
import { t } from "./i18n.js";
import { updateLegend } from "./legend.js";
import { gapLabel, renderGaps, renderMethod, renderSummary } from "./panels.js";
import { comparisonFigures, renderPlan } from "./plans.js";
import { readPopulation } from "./population.js";
import {
  analysisQuery,
  communePath,
  compareQuery,
  readQuestion,
  sameQuestion,
  scenarioPath,
} from "./question.js";
import {
  answers,
  isLatestRun,
  setComparison,
  setCount,
  setCoverage,
  setGapLayers,
  setRedrawTimer,
  startRun,
  state,
  view,
} from "./state.js";
import { setStatus, track } from "./status.js";
import { clearSuggestions, updateSitingButton } from "./suggestions.js";
import { COLOURS, shareColour } from "./symbols.js";

const L = window.L;
const REDRAW_DELAY_MS = 250;
// The reached streets are 25 m bands: the holes between them are mostly the insides of blocks.
// Holes under SMALL_HOLE_M2 are filled so that the outline shows the reach, not every block.
const SMALL_HOLE_M2 = 10000;

export function scheduleRedraw() {
  clearTimeout(view.redrawTimer);
  setRedrawTimer(
    setTimeout(() => {
      setRedrawTimer(null);
      redraw();
    }, REDRAW_DELAY_MS),
  );
}

export function cancelRedraw() {
  clearTimeout(view.redrawTimer);
  setRedrawTimer(null);
}

export function redraw() {
  const run = startRun("redraw");
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
    if (!isLatestRun("redraw", run)) return; // a newer question was asked meanwhile
    const compared = comparison?.layers?.find((each) => each.layer === question.layer) || null;
    setComparison(compared, question, comparisonFigures(compared, question));
    drawZones(zones);
    drawServiceAreas(areas);
    drawGaps(gaps, question);
    setCoverage(question, zones, gaps, readPopulation(zones, answers.commune));
    // Suggestions (or a refusal) for another question no longer answer this one.
    const stale = answers.siting && !sameQuestion(answers.sitingQuestion, question);
    if (stale || answers.sitingError) clearSuggestions(true);
    renderSummary();
    renderPlan();
    renderGaps();
    renderMethod();
    updateLegend();
    updateSitingButton();
    setStatus("ready");
  });
}

function zoneTooltip(properties) {
  const name = properties.name || properties.zone;
  if (properties.share === null) return t("zoneTooltipEmpty", { name });
  const compared = state.scenario && answers.comparison?.zones.find((z) => z.zone === properties.zone);
  if (compared) {
    return t("zoneTooltipPlan", {
      name,
      share: formatShare(properties.share),
      pop: formatInteger(properties.population),
      base: formatShare(compared.share.base),
    });
  }
  return t("zoneTooltip", {
    name,
    share: formatShare(properties.share),
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
  view.overlays.zones.clearLayers().addLayer(zones);
  setCount("zones", zones.getLayers().length);
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
  view.overlays.serviceAreas.clearLayers().addLayer(areas);
  setCount("serviceAreas", collection.features.length);
}

function drawGaps(collection, question) {
  const entries = [];
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
      entries.push([feature.properties.rank, layer]);
      layer.bindTooltip(() => gapLabel(feature.properties, question), { sticky: true });
    },
  });
  setGapLayers(entries);
  view.overlays.gaps.clearLayers().addLayer(gaps);
  setCount("gaps", collection.features.length);
}
