"""e-Micronora: an open platform for running a trade fair online."""

import emicronora.web.convertors  # noqa: F401  (before any route is built: ids bounded for the database)
