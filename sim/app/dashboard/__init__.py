"""The browser dashboard (Mesa's SolaraViz): picker, levers, session model, figures, words, page,
and serving."""
