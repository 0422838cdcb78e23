"""The organiser's dashboard: the fair in figures (SQL aggregates), drawn as SVG plots with their tables."""
