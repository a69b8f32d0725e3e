"""Built-in stages, one module each; ``rasid.registry`` imports them on first use."""
