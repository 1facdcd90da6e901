"""The derivation panel: where the selected number comes from."""
