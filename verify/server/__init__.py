"""`c2pa-verify serve`: an HTTP service over the worker pool (extra `[server]`).

The service is a thin layer: it reads an upload within limits, hands it to the
:class:`~verify.pool.WorkerPool`, and answers with the same report JSON as the CLI.

Modules, one job each:

- :mod:`.config`: the server's settings and their validation (no network, ever);
- :mod:`.trust`: what the readiness probe says about the configured trust anchors;
- :mod:`.upload`: the request body, counted while it streams (raw or multipart), and
  the media type it is checked as;
- :mod:`.service`: the pool, admission, and a report for every upload;
- :mod:`.responses`: report -> HTTP status and body;
- :mod:`.metrics`: Prometheus counters and histograms;
- :mod:`.accesslog`: JSON lines on stderr, one per request, never a body;
- :mod:`.openapi`: the report schema and request body in `/openapi.json`;
- :mod:`.app`: the FastAPI routes; :mod:`.command`: the `serve` command.

Only :mod:`.command`, :mod:`.config` and :mod:`.trust` import without the extra
installed, so `c2pa-verify serve --help` works everywhere and says what to install.
"""
