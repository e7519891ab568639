"""Flee conflict folders: reading and checking them, their observed series and rule settings,
and turning them into scenarios (``world: {flee: folder}``, ``allysim import-flee``).
"""
