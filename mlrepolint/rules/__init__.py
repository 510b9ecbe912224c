"""Rule declarations and the checkers that report them."""
