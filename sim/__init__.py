"""allysim: agent-based simulation of alliance-driven displacement (Mesa)."""
