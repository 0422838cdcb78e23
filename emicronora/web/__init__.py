"""What every area's routes share: request context, rendering, forms, middleware, error pages."""
