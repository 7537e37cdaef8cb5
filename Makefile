# tcadmin — make demo | make test | make bench | make install
SWIFT ?= swift
PREFIX ?= /usr/local
DESTDIR ?=
TESTDB := scripts/testdb

.PHONY: all deps build release test demo bench db-start db-stop clean

all: build

deps:
	@$(TESTDB) deps

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

db-start: deps
	@$(TESTDB) start

db-stop:
	@$(TESTDB) stop

# Unit, integration and CLI tests against the private MariaDB server.
test: build db-start
	$(SWIFT) build --build-tests
	$(SWIFT) test

# Benchmarks: tcadmin beside its peers (mariadb client, PHP scripts) in the same run, on
# generated data sets; prints a table and writes bench/RESULTS.md (see bench/README.md).
# BENCH_SCALES=1000,100000 by default; add 1000000 on request.
bench: deps db-start
	$(SWIFT) build -c release --product tcadmin
	@BENCH_COMMAND="make bench" bench/run

# A short tour of tcadmin against a sandbox TeamCal Neo database.
demo: build db-start
	@scripts/demo

clean:
	$(SWIFT) package clean
	rm -rf .tmp
