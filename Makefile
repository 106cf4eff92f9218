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

$(B) $(B)/tests:
	mkdir -p $@

tests: $(UNIT_BINS) $(HELPER_BINS) $(B)/ncdevmem

# Unit tests, then the integration tests (root: netns, veth), one summary line.
check:
	scripts/deps.sh
	$(MAKE) tests
	B=$(B) tests/run.sh

# VM tier (root): Debian 6.12 under qemu TCG with a devmem-capable netdevsim;
# see tests/vm/README.md.  Packages cached in NCD_VM_CACHE.
check-vm:
	tests/vm/run.sh

.PHONY: check-vm

install: $(B)/ncdevmem
	install -D -m 0755 $(B)/ncdevmem $(DESTDIR)$(PREFIX)/bin/ncdevmem

clean:
	rm -rf build build-* ncdevmem

.PHONY: all tests check install clean
