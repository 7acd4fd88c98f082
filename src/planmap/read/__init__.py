"""Reading a document into a plan outline: decoding, normalisation, cleanup, metadata, headings, clauses."""
