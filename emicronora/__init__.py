"""e-Micronora: an open platform for running a trade fair online."""
