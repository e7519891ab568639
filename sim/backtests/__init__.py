"""Runs scored against what was observed: the ARD error metric, backtests of Flee conflict
folders against UNHCR camp registrations, and calibration of the rule values they share.
"""
