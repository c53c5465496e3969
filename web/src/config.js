// SPDX-License-Identifier: MIT
// What the server wrote into the page (#map-config): the commune to open, the communes loaded,
// the tile server if one is configured. Read once; never changed.

function readConfig() {
  const node = document.getElementById("map-config");
  try {
    return JSON.parse(node ? node.textContent : "{}");
  } catch {
    return {};
  }
}

export const config = Object.freeze(readConfig());
