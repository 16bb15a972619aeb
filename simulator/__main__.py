from .cli import simulate

simulate()
