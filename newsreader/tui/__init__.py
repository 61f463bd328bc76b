"""The Textual app: the App, its stylesheet, screens, widgets and commands.

Only this package and :mod:`newsreader.cli` import Textual. The app reads the
store through workers; nothing here runs SQL or opens a socket itself."""
