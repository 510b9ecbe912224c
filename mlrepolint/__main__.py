"""`python -m mlrepolint`."""

from mlrepolint.cli import main

if __name__ == "__main__":
    main()
