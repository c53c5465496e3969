# SPDX-License-Identifier: MIT
# Clean Mobility Planner: the API with the shipped commune loaded into the embedded store.

# The /map page's assets (Leaflet, web/src) and the documentation pages' (Swagger UI, Redoc),
# from the lockfile, built into /src/api/static.
FROM node:20-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/build.mjs ./
COPY web/src ./src
RUN npm run build

FROM python:3.11-slim AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    MOBILITY_DATABASE_URL=sqlite:////app/var/mobility.sqlite \
    MOBILITY_DATA_DIR=/app/data

RUN useradd --create-home --uid 10001 mobility
WORKDIR /app

COPY pyproject.toml README.md ./
COPY mobility ./mobility
COPY api ./api
COPY --from=web /src/api/static ./api/static
RUN pip install --upgrade pip && pip install .

COPY data ./data
RUN mkdir -p /app/var && chown -R mobility:mobility /app/var
USER mobility

# Load the shipped commune at build time only if absent; a mounted volume on /app/var keeps edits.
RUN mobility commune load data/paris-10e/commune.json --if-absent

EXPOSE 8000
VOLUME ["/app/var"]
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/conformance')"
CMD ["sh", "-c", "mobility commune load data/paris-10e/commune.json --if-absent && exec python -m api.server --host 0.0.0.0 --port 8000 --workers ${WEB_CONCURRENCY:-2}"]
