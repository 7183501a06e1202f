"""Word and PDF documents: units' self-evaluation reports, the ranking notice (通报), batches."""
