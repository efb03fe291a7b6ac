"""The brief pipeline: clean, filter, group claims, select sentences, render; and its evaluation."""
