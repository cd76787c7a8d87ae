"""One module per command. Each module defines ``register(app)``; main discovers them."""
