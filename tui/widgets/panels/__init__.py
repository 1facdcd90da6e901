"""The layer panels: a bordered panel per layer, its grid of numbers and the rows it shows."""
