# The two commands that matter are "make demo" and "make check"; see README.md.
# Each suite runs through the shared stages: harness/run-suite.sh SUITE.
H := harness
# BASE=7.3 (default: the series, patches/) or BASE=6.12 (the backport,
# backport/6.12/, built in build/6.12/).
BASE ?= 7.3
export KLP_BASE := $(BASE)

.PHONY: demo check stress bench livepatch demo-klp check-klp tree export lint build deps test-harness
demo:		; $(H)/run-suite.sh demo
check:		; $(H)/run-suite.sh selftests
stress:		; $(H)/run-suite.sh stress
bench:		; $(H)/run-suite.sh bench
# klp-build: make livepatch FIX="a.patch [b.patch...]" [NAME=x] [NO_REPLACE=1]
livepatch:	; $(H)/run-suite.sh klp-build livepatch
demo-klp:	; $(H)/run-suite.sh klp-build demo
check-klp:	; $(H)/run-suite.sh klp-build check
tree:		; $(H)/2-tree/prepare-tree.sh
export:		; $(H)/2-tree/export.sh
lint:		; $(H)/2-tree/prepare-tree.sh && $(H)/2-tree/lint.sh
build:		; $(H)/2-tree/prepare-tree.sh && $(H)/3-build/build-kernel.sh
deps:		; $(H)/1-base/install-deps.sh
test-harness:	; $(H)/self-test/run.sh
