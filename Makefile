# The two commands that matter are "make demo" and "make check"; see README.md.
H := harness
# BASE=7.3 (default: the series, patches/) or BASE=6.12 (the backport,
# backport/6.12/, built in build/6.12/).
BASE ?= 7.3
export KLP_BASE := $(BASE)

.PHONY: demo check stress bench tree export lint build deps test-harness
demo:		; $(H)/demo.sh
check:		; $(H)/check.sh
stress:		; $(H)/stress.sh
bench:		; $(H)/bench.sh
tree:		; $(H)/prepare-tree.sh
export:		; $(H)/export.sh
lint:		; $(H)/prepare-tree.sh && $(H)/lint.sh
build:		; $(H)/prepare-tree.sh && $(H)/build-kernel.sh
deps:		; $(H)/install-deps.sh
test-harness:	; $(H)/test-harness.sh
