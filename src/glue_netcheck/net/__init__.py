"""Pure network reasoning: routes, security groups, network ACLs, DNS, path traces."""
