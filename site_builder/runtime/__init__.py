"""Process-level helpers every layer may use: forked worker pools, GC pausing, JSON writing."""
