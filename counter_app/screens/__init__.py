"""The counter's Kivy screens. They only render what `counter_app.core` returns and pass the
clerk's input back to it; no rule lives here."""
