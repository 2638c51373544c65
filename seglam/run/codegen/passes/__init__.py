"""Named optimisation passes of the compiled backend (docs/IMPL.md, "The compiled backend
pipeline"): one file each, each with its contract and golden before/after tests."""
