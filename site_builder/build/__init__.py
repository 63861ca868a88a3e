"""The build pipeline (load, validate, render, index, write) and atomic publishing."""
