"""Evidence files (佐证材料): what a file may be, decided from its bytes (``filecheck``), and storing,
naming and serving it (``uploads``). Shared by every app that takes evidence: self-assessments,
objections, targets and key tasks. Django only; no other app."""
