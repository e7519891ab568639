"""Flee conflict folders: reading and checking them, turning them into scenarios, their observed
series, the ARD error metric and backtests against UNHCR registrations.
"""
