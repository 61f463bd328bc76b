"""The panes of the main screen. Widgets draw what the screen gives them and
post messages up; none of them touches the cache or a file."""
