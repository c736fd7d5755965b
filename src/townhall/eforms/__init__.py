"""Online-counter forms (e-loket): versioned definitions, rules, prefill, steps and drafts."""
