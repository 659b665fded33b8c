"""The ``sbrt-calc`` command line: one module per subcommand, no Qt, no scipy."""
