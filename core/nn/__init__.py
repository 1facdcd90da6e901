"""Building blocks of a network: layers, activations, losses, initialisers (imports no other room)."""
