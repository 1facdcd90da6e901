"""The training panel: progress, the loss chart and the epochs."""
