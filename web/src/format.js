// SPDX-License-Identifier: MIT
// Numbers as the reader expects them in the page's language (fr-FR: "1 240", "64,7 %").
import { locale, t } from "./i18n.js";

// A whole number, rounded half up ("3 582" in French, "3,582" in English).
export function formatInteger(value) {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: 0 }).format(Math.round(value));
}

// A whole number with its sign, rounded half up ("+8 190", "−120"; zero has no sign).
export function formatSignedInteger(value) {
  return new Intl.NumberFormat(locale(), {
    maximumFractionDigits: 0,
    signDisplay: "exceptZero",
  }).format(Math.round(value));
}

// A share between 0 and 1 as a percentage, with one decimal by default ("64,7 %").
export function formatPercent(share, digits = 1) {
  return new Intl.NumberFormat(locale(), {
    style: "percent",
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(share);
}

// A share as a percentage, or the words for "not available" when the API gives none (null: the
// commune has no population to count, so no share can be computed).
export function formatShare(share, digits = 1) {
  if (share === null || share === undefined) return t("shareUnavailable");
  return formatPercent(share, digits);
}

// A number with at most `digits` decimals.
export function formatDecimal(value, digits = 1) {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(value);
}

// A distance in metres, with a no-break space before the unit ("1 000 m").
export function formatMetres(metres) {
  return `${formatInteger(metres)}\u00a0m`;
}

// A date (ISO string) in words ("27 novembre 2026").
export function formatDate(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { dateStyle: "long" }).format(date);
}
