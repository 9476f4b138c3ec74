"""One IAM-style policy evaluator: key policies now, endpoint and role policies next."""
