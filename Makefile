# Two commands matter: `make run` and `make test`. Each sets up what is missing first.
.PHONY: setup run test bench clean-db

setup:
	bash scripts/setup.sh

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

bench:
	bash scripts/setup.sh && .venv/bin/python scripts/bench.py

# Stops and deletes the local default cluster (never touches a DATABASE_URL server).
clean-db:
	bash scripts/localdb.sh destroy
