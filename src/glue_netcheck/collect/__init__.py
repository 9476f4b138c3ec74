"""The edges that read the world: live AWS (boto3), snapshot files. Nothing else does I/O."""
