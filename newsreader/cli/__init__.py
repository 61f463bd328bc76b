"""The command line: ``newsreader`` and its subcommands, one module per group.

:mod:`.main` parses the arguments and imports a command's module only when
that command runs, so ``newsreader`` starts the reader quickly."""
