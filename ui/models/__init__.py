"""Qt item models over the services' record lists."""
