"""The browser dashboard (Mesa's SolaraViz controller): picker, levers, session model, map,
charts, words, page and serving."""
