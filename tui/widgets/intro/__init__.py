"""The scenario's story, shown when it opens."""
