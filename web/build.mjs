// SPDX-License-Identifier: MIT
// Build the /map page's assets: Leaflet (from node_modules, installed by `npm ci`) and src/,
// copied as they are into api/static/map (git-ignored), which the API serves under /static/map.
// No bundler: the page is a few plain ES modules, and nothing is fetched from elsewhere.
// The documentation pages (/docs, /redoc) get Swagger UI's and Redoc's distributed files the
// same way, into api/static/docs: an offline deployment still has its documentation.
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "api", "static", "map");
const leaflet = join(here, "node_modules", "leaflet");
const swaggerUi = join(here, "node_modules", "swagger-ui-dist");
const redoc = join(here, "node_modules", "redoc");
const docsOut = join(here, "..", "api", "static", "docs");

for (const needed of [
  join(leaflet, "dist", "leaflet.js"),
  join(swaggerUi, "swagger-ui-bundle.js"),
  join(redoc, "bundles", "redoc.standalone.js"),
]) {
  if (!existsSync(needed)) {
    console.error(`${needed} is missing: run \`npm ci\` in web/ (or \`make web\`) first`);
    process.exit(1);
  }
}

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "vendor", "leaflet"), { recursive: true });
for (const name of ["leaflet.js", "leaflet.css", "images"]) {
  cpSync(join(leaflet, "dist", name), join(out, "vendor", "leaflet", name), { recursive: true });
}
cpSync(join(leaflet, "LICENSE"), join(out, "vendor", "leaflet", "LICENSE"));
cpSync(join(here, "src"), out, { recursive: true });

rmSync(docsOut, { recursive: true, force: true });
mkdirSync(docsOut, { recursive: true });
for (const name of ["swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png", "LICENSE"]) {
  cpSync(join(swaggerUi, name), join(docsOut, name === "LICENSE" ? "SWAGGER-UI-LICENSE" : name));
}
cpSync(join(redoc, "bundles", "redoc.standalone.js"), join(docsOut, "redoc.standalone.js"));
cpSync(join(redoc, "LICENSE"), join(docsOut, "REDOC-LICENSE"));

const version = JSON.parse(readFileSync(join(leaflet, "package.json"), "utf8")).version;
writeFileSync(
  join(out, "build.json"),
  JSON.stringify({ leaflet: version, built: new Date().toISOString() }, null, 2) + "\n",
);
console.log(`built the map's assets into ${out} (Leaflet ${version})`);
