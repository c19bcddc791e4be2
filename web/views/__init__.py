"""Page views, one module per area. Each view parses, calls a service or selector, renders."""
