# tcadmin — make demo | make test | make bench | make install | make fuzz
SWIFT ?= swift
PREFIX ?= /usr/local
DESTDIR ?=
TESTDB := scripts/testdb

FUZZ_SECONDS ?= 30

.PHONY: all deps build release test demo bench db-start db-stop clean fuzz

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

# libFuzzer targets in Fuzz/ (a package of its own), FUZZ_SECONDS each; not part of make test.
fuzz: deps
	SWIFT=$(SWIFT) Fuzz/run-fuzzers $(FUZZ_SECONDS)

# A short tour of tcadmin against a sandbox TeamCal Neo database.
demo: build db-start
	@scripts/demo

clean:
	$(SWIFT) package clean
	rm -rf .tmp Fuzz/.build
