"""Reading articles: files, folders, JSON lines, WARC archives, and summarization datasets."""
