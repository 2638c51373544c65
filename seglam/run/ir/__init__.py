"""The compiled backend's IR (docs/IMPL.md, "The compiled backend pipeline")."""
