// SPDX-License-Identifier: MIT
// The page's one mutable state, and the functions that change it. No other module keeps a
// mutable value of its own: they read these objects and call these functions.
//
// `state` is what is drawn and said (counts, shares, suggestions, the plan, the errors met); it is
// exposed as `window.mapState` for tests and curious readers, so it holds plain data only.
// `answers` keeps the API's answers last drawn, to redraw the panels when the language changes;
// `view` keeps the Leaflet handles; `runs` numbers the requests so that a late answer to an older
// question is dropped.

export const state = {
  commune: null,
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
  // Whom the figures count: the population source the API names (null when there is none).
  population: null,
  siting: null,
  suggestions: [],
  // Whether "Suggest" can be asked now, and if not the dictionary key of the reason shown.
  sitingButton: { enabled: false, reason: "sitingWaitCoverage" },
  sitingRunning: false,
  errors: [],
  // The territory shown (/map?batch=<id>): its communes drawn and failed, each one's share.
  batch: null,
};

export const answers = {
  commune: null,
  zones: null,
  gaps: null,
  siting: null,
  sitingQuestion: null,
  sitingError: null,
  // The status line: {key, values} of a dictionary sentence, or {error} (re-said on a language
  // switch).
  status: null,
  scenarios: [],
  scenarioMissing: null,
  comparison: null,
  comparisonQuestion: null,
};

export const view = {
  map: null,
  attribution: "",
  overlays: {},
  assetMarkers: { "charging-points": [], parking: [], hubs: [] },
  // Assets at the very same place (the points of one charging station): one popup lists them
  // all, since only the top marker of a stack can be clicked.
  assetsAt: { "charging-points": new Map(), parking: new Map(), hubs: new Map() },
  suggestionMarkers: [],
  gapLayers: new Map(),
  redrawTimer: null,
  leaving: false, // the page is opening another commune (a plan's)
};

const runs = { redraw: 0, siting: 0, "charging-points": 0, parking: 0, hubs: 0 };

// Start a new request of a kind; the number returned says later whether it is still the latest.
export function startRun(kind) {
  runs[kind] += 1;
  return runs[kind];
}

export function isLatestRun(kind, run) {
  return runs[kind] === run;
}

export function setCommune(code) {
  state.commune = code || null;
}

export function setLanguage(lang) {
  state.lang = lang;
}

export function beginWork() {
  state.pending += 1;
}

export function endWork() {
  state.pending -= 1;
}

export function markReady() {
  state.ready = true;
}

export function setStatusLine(status) {
  answers.status = status;
}

export function recordError(text) {
  state.errors.push(text);
}

export function setMap(map) {
  view.map = map;
}

export function setOverlay(name, group) {
  view.overlays[name] = group;
}

export function setAttribution(text) {
  view.attribution = text;
}

export function setRedrawTimer(timer) {
  view.redrawTimer = timer;
}

export function markLeaving() {
  view.leaving = true;
}

export function setCommuneAnswer(feature) {
  answers.commune = feature;
}

export function setScenarios(list) {
  answers.scenarios = list;
}

export function addScenario(scenario) {
  answers.scenarios.push(scenario);
}

// The plan shown (described for the panel), or null; `missing` is the id a link named in vain.
export function setScenario(described, missing = null) {
  state.scenario = described;
  answers.scenarioMissing = missing;
}

export function setCount(name, n) {
  state.counts[name] = n;
}

// The markers drawn for a layer, the API's count of matches, and what the plan adds or changes.
export function setAssetsDrawn(layer, markers, matched, planned) {
  view.assetMarkers[layer] = markers;
  state.counts[layer] = markers.length;
  state.apiCounts[layer] = matched;
  state.planned[layer] = planned;
  state.counts.planned = Object.values(state.planned).reduce((n, p) => n + p.add + p.change, 0);
}

export function setGapLayers(entries) {
  view.gapLayers = new Map(entries);
}

// The coverage answers for a question: zones (with the summary), gaps, and whom they count.
export function setCoverage(question, zones, gaps, population) {
  answers.zones = zones;
  answers.gaps = gaps;
  state.question = question;
  state.population = population;
  state.coverage = {
    question,
    summary: zones.summary,
    shares: Object.fromEntries(zones.features.map((f) => [f.properties.zone, f.properties.share])),
  };
}

export function setComparison(answerLayer, question, figures) {
  answers.comparison = answerLayer;
  answers.comparisonQuestion = answerLayer ? question : null;
  state.comparison = figures;
}

export function setSitingRunning(running) {
  state.sitingRunning = running;
}

export function setSitingButton(enabled, reason) {
  state.sitingButton = { enabled, reason };
}

export function setSiting(answer, question, markers, suggestions) {
  answers.siting = answer;
  answers.sitingQuestion = question;
  answers.sitingError = null;
  view.suggestionMarkers = markers;
  state.counts.suggestions = markers.length;
  state.siting = answer ? answer.summary : null;
  state.suggestions = suggestions;
}

export function setSitingError(problem) {
  answers.sitingError = problem;
}
