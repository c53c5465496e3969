// SPDX-License-Identifier: MIT
// Build the /map page's assets: Leaflet (from node_modules, installed by `npm ci`) and src/,
// copied as they are into api/static/map (git-ignored), which the API serves under /static/map.
// No bundler: the page is a few plain ES modules, and nothing is fetched from elsewhere.
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "api", "static", "map");
const leaflet = join(here, "node_modules", "leaflet");

if (!existsSync(join(leaflet, "dist", "leaflet.js"))) {
  console.error("leaflet is not installed: run `npm ci` in web/ (or `make web`) first");
  process.exit(1);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "vendor", "leaflet"), { recursive: true });
for (const name of ["leaflet.js", "leaflet.css", "images"]) {
  cpSync(join(leaflet, "dist", name), join(out, "vendor", "leaflet", name), { recursive: true });
}
cpSync(join(leaflet, "LICENSE"), join(out, "vendor", "leaflet", "LICENSE"));
cpSync(join(here, "src"), out, { recursive: true });

const version = JSON.parse(readFileSync(join(leaflet, "package.json"), "utf8")).version;
writeFileSync(
  join(out, "build.json"),
  JSON.stringify({ leaflet: version, built: new Date().toISOString() }, null, 2) + "\n",
);
console.log(`built the map's assets into ${out} (Leaflet ${version})`);
