"""glue-netcheck: will this AWS Glue connection reach what it needs from inside its VPC?"""

__version__ = "0.1.0"
