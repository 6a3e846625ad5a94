"""The local endpoint's rule-based model: from a neutral request to a deterministic reply."""
