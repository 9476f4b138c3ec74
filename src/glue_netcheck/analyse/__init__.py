"""Analysis: from the built inventory to one report per connection, job or crawler. Pure."""
