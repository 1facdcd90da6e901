"""The engine: network graph, passes, the stepper, quantity names, training, the scenario model."""
