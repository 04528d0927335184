"""Long-running hosts and platform ports: key input now; the coach host, locks, control channel
and activity sources move here as the layout of DESIGN.md is reached."""
