# ncdevmem: devmem TCP benchmark and test tool.
# Every top-level .c except ncdevmem.c goes into build/libncd.a, which the
# binary, the unit tests and the fuzzers link against.

CC	?= cc
PREFIX	?= /usr/local
PKGS	:= libnl-3.0 libnl-genl-3.0 liburing
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))

CFLAGS	?= -O2 -g
CFLAGS	+= -std=gnu11 -Wall -Wextra -Wno-unused-parameter -D_GNU_SOURCE -pthread $(PKG_CFLAGS)
LDLIBS	+= $(PKG_LIBS) -ldl -lm -pthread
B	?= build

LIB_SRCS  := $(filter-out ncdevmem.c,$(wildcard *.c))
LIB_OBJS  := $(LIB_SRCS:%.c=$(B)/%.o)
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPER_BINS := $(HELPER_SRCS:tests/helpers/%.c=$(B)/tests/%)

all: $(B)/ncdevmem ncdevmem

# -V: VERSION plus git describe when built in a git tree, and the liburing
# version; the stamp changes (and version.o rebuilds) only when they do.
NCD_VERSION := $(shell cat VERSION)
NCD_GIT := $(shell test -e .git && git describe --tags --always --dirty 2>/dev/null)
NCD_URING := $(shell pkg-config --modversion liburing 2>/dev/null)
NCD_VDEFS := -DNCD_VERSION_BASE='"$(NCD_VERSION)"' $(if $(NCD_GIT),-DNCD_GIT='"$(NCD_GIT)"') -DNCD_URING_VERSION='"$(NCD_URING)"'
$(B)/version.stamp: FORCE | $(B)
	@echo '$(NCD_VDEFS)' | cmp -s - $@ || echo '$(NCD_VDEFS)' >$@
$(B)/version.o: $(B)/version.stamp
$(B)/version.o: CFLAGS += $(NCD_VDEFS)
FORCE:

ncdevmem: $(B)/ncdevmem
	ln -sf $(B)/ncdevmem $@

$(B)/%.o: %.c $(wildcard *.h) | $(B)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/libncd.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

$(B)/ncdevmem: $(B)/ncdevmem.o $(B)/libncd.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/test_%: tests/unit/test_%.c $(B)/libncd.a $(wildcard tests/unit/*.h) | $(B)/tests
	$(CC) $(CFLAGS) -I. $(LDFLAGS) -o $@ $< $(B)/libncd.a $(LDLIBS) -lcmocka

$(B)/tests/%: tests/helpers/%.c $(B)/libncd.a | $(B)/tests
	$(CC) $(CFLAGS) -I. $(LDFLAGS) -o $@ $< $(B)/libncd.a $(LDLIBS)

$(B) $(B)/tests $(B)/fuzz:
	mkdir -p $@

tests: $(UNIT_BINS) $(HELPER_BINS) $(B)/ncdevmem

# Static binary for remotes (scripts/run_pair.sh copies it over ssh).
static: $(B)/ncdevmem-static
$(B)/ncdevmem-static: $(B)/ncdevmem.o $(B)/libncd.a
	$(CC) $(CFLAGS) $(LDFLAGS) -static -o $@ $^ $(shell pkg-config --static --libs $(PKGS)) -ldl -lm -pthread 2>&1 | \
		{ grep -v -e "statically linked applications requires at runtime" -e ": in function " || true; }
	@test -x $@

# Sanitizer and fuzzing builds (docs/reliability.md).  SAN_CC: clang, else cc.
SAN_CC	?= $(shell command -v clang >/dev/null 2>&1 && echo clang || echo cc)
SAN	:= -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
ASAN_B	?= build-asan
FUZZ_B	?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_CHECK_SECONDS ?= 10
FUZZ_NAMES := $(notdir $(basename $(wildcard tests/fuzz/fuzz_*.c)))
export NCD_SAN_ENV := CC=$(SAN_CC) CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)"

$(B)/fuzz/%: tests/fuzz/%.c $(B)/libncd.a | $(B)/fuzz
	$(CC) $(CFLAGS) -fsanitize=fuzzer -I. $(LDFLAGS) -o $@ $< $(B)/libncd.a $(LDLIBS)

# The whole suite again, built with ASan + UBSan.
asan-tests:
	env $(NCD_SAN_ENV) $(MAKE) B=$(ASAN_B) tests

# libFuzzer harnesses (clang only): build-fuzz/fuzz/fuzz_*.
fuzzers:
	@command -v clang >/dev/null 2>&1 || { echo "fuzzers: no clang, not built" >&2; exit 0; }; \
	CC=clang CFLAGS="-O1 -g $(SAN) -fsanitize=fuzzer-no-link" LDFLAGS="$(SAN)" \
		$(MAKE) B=$(FUZZ_B) $(FUZZ_NAMES:%=$(FUZZ_B)/fuzz/%)

# Each fuzzer for FUZZ_SECONDS; fails on a crash, leak or hang (> 5 s).
fuzz: fuzzers
	@rc=0; for f in $(FUZZ_NAMES); do \
		tests/fuzz/run.sh $(FUZZ_B)/fuzz/$$f $(FUZZ_SECONDS) || rc=1; done; exit $$rc

# Unit + integration tests (root: netns, veth) on the plain build, again on
# the ASan/UBSan build, valgrind pairs, a short fuzz pass: one summary line.
check:
	scripts/deps.sh
	$(MAKE) tests
	$(MAKE) asan-tests
	$(MAKE) fuzzers
	B=$(B) ASAN_B=$(ASAN_B) FUZZ_B=$(FUZZ_B) FUZZ_SECONDS=$(FUZZ_CHECK_SECONDS) VM_TIER=1 tests/run.sh

# VM tiers (root): Debian's 6.12 and 7.3 under qemu TCG, each with a
# netdevsim extended for devmem (7.3: also devmem TX and io_uring zcrx);
# see tests/vm/README.md.  Packages cached in NCD_VM_CACHE.  Both tiers run,
# the target fails if either does.
check-vm:
	tests/vm/run.sh; rc=$$?; tests/vm/run73.sh && exit $$rc

.PHONY: check-vm

MANDIR	?= $(PREFIX)/share/man/man1
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions

install: $(B)/ncdevmem
	install -D -m 0755 $(B)/ncdevmem $(DESTDIR)$(PREFIX)/bin/ncdevmem
	install -D -m 0644 docs/ncdevmem.1 $(DESTDIR)$(MANDIR)/ncdevmem.1
	install -D -m 0644 scripts/completion/ncdevmem $(DESTDIR)$(BASHCOMPDIR)/ncdevmem

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/ncdevmem $(DESTDIR)$(MANDIR)/ncdevmem.1 \
		$(DESTDIR)$(BASHCOMPDIR)/ncdevmem

# Debian package (dpkg-deb, dpkg-shlibdeps): $(B)/ncdevmem_VERSION_ARCH.deb
deb: $(B)/ncdevmem
	scripts/mkdeb.sh $(B)

clean:
	rm -rf build build-* ncdevmem

.PHONY: all tests check install uninstall deb clean asan-tests fuzzers fuzz static FORCE

# Fake libcuda for the tests (tests/fake_cuda), loaded through NCD_LIBCUDA.
# Built without sanitizers so that python (ctypes) can load it as well.
FAKE_CUDA := $(B)/tests/fake_cuda/libcuda.so.1
$(FAKE_CUDA): $(wildcard tests/fake_cuda/*.c tests/fake_cuda/*.h)
	mkdir -p $(dir $@)
	$(CC) -O2 -g -std=gnu11 -Wall -Wextra -Wno-unused-parameter -fPIC -shared -pthread \
		-o $@ $(filter %.c,$^)

tests: $(FAKE_CUDA)
