"""The applications: the command line, one run end to end, run directories, the dashboard."""
