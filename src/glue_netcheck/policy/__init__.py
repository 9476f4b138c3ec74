"""One IAM-style policy evaluator (document, request, match, conditions, evaluate) and what
reads through it: KMS key policies (key_policy), VPC endpoint policies (endpoint) and the
role's identity policies with its permissions boundary (role)."""
