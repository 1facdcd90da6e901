"""Reports and exports: solve's records, Markdown, LaTeX, PyTorch scripts."""
