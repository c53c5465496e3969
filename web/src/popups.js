// SPDX-License-Identifier: MIT
// What an asset says about itself: its marker's title and its popup (the points of one station
// listed together, a plan's new or changed assets marked as such).
import { el, svg } from "./dom.js";
import { formatDecimal, formatInteger } from "./format.js";
import { t } from "./i18n.js";
import { state, view } from "./state.js";
import { symbolSvg } from "./symbols.js";

// The key of a place, to the micrometre of a degree: assets with the same key share a popup.
export const placeKey = ([lon, lat]) => `${lon.toFixed(6)},${lat.toFixed(6)}`;

export function assetTitle(layer, properties) {
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

function row(label, value) {
  if (value === null || value === undefined || value === "") return null;
  return el("div", { class: "popup__row" }, el("dt", {}, label), el("dd", {}, value));
}

function yesNo(value) {
  if (value === true) return t("yes");
  if (value === false) return t("no");
  return t("unknown");
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

export function assetPopup(layer, feature) {
  const here = view.assetsAt[layer].get(placeKey(feature.geometry.coordinates)) || [feature];
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

function chargingRows(p, station) {
  const rows = [];
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
  return rows;
}

function parkingRows(p) {
  return [
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
  ];
}

function hubRows(p) {
  return [
    row(t("popup.modes"), (p.modes || []).map((mode) => t(`hubMode.${mode}`)).join(", ")),
    row(t("popup.lines"), (p.lines || []).join(", ") || null),
    row(t("popup.capacity"), p.capacity === null ? null : formatInteger(p.capacity)),
    row(t("popup.operator"), p.operator),
  ];
}

function assetDetails(layer, feature, { station = false } = {}) {
  const p = feature.properties;
  let title;
  let rows;
  if (layer === "charging-points") {
    title = p.nom_station || p.id_pdc_itinerance || (p.planned ? t("plannedPoint") : null);
    rows = chargingRows(p, station);
  } else if (layer === "parking") {
    title = p.name || t("parkingTitle", { kind: t(`kind.${p.kind}`) });
    rows = parkingRows(p);
  } else {
    title = p.name;
    rows = hubRows(p);
  }
  return el(
    "section",
    { class: "popup__asset" },
    el("h3", { class: "popup__title" }, title || t("unnamed")),
    el("dl", {}, rows),
  );
}
