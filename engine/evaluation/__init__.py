"""Party B's evaluation of a period (2.1-2.3): indicators against targets, problems, recommendations, the audit of a report's figures."""
