"""What every feature stands on and no feature owns: text rendering and sanitising,
page numbers, "the work if this reader may open it", request helpers, cheap URLs,
database routing, middleware, the cache backend, error pages and health checks.

Nothing here imports a feature package (works, tags, discovery, readers, accounts):
dependencies run from the features down to core and the models."""
