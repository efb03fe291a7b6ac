"""Batch jobs on Dask: brief a whole data set, prepare a crawl, find its copies across partitions.

Every job splits its input into partitions, runs a pure per-partition function on a Dask cluster
(`newsbrief.batch.engine`), and writes each partition as one Parquet file, atomically, so that a
rerun skips what is done. Dask, distributed and pyarrow come with the ``batch`` extra.
"""

from newsbrief.errors import MissingExtraError


def require_batch() -> None:
    """Raise `MissingExtraError` naming the ``batch`` extra when Dask or pyarrow is missing."""
    for module, package in (("dask", "dask"), ("distributed", "distributed"), ("pyarrow", "pyarrow")):
        try:
            __import__(module)
        except ImportError as err:
            raise MissingExtraError(package, "batch") from err
