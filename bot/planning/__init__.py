"""Plans the article's way (issue 7): targets in from a file, decomposition, planning rounds."""
