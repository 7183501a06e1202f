"""The role × object access matrix (issue 3 part 7): resolver walk, a world of objects, the expected table."""
