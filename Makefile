# goabi — build, test, demo, bench, fuzz. See README.md.
PKG_CONFIG ?= pkg-config
CC ?= cc
LD ?= ld
OBJCOPY ?= objcopy
PREFIX ?= /usr/local
# LIBDIR: where libgoabi.a and pkgconfig/goabi.pc go (the Debian package: /usr/lib/<multiarch>)
LIBDIR ?= $(PREFIX)/lib
DESTDIR ?=
BUILD ?= build
SANITIZE ?=
FUZZ_SECONDS ?= 60

PKGS := libelf capstone libarchive jansson libcurl libcrypto
DEP_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null) -I/usr/include/libdwarf
# Debian bookworm ships libdwarf (2021 API) without a .pc file and only as a static library.
# libarchive, capstone, libcurl and libcrypto are not linked: src/util/lazylib.c and
# lazynet.c load them on first use
# (they are most of the process start-up cost, and most runs need neither).
LINKED_PKGS := libelf jansson
DEP_LIBS = /usr/lib/$(shell $(CC) -print-multiarch)/libdwarf.a $(shell $(PKG_CONFIG) --libs $(LINKED_PKGS) 2>/dev/null) -lmd -lz -lpthread

WARN := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
	-Wvla -Wwrite-strings -Wno-unused-parameter
CFLAGS ?= -O2 -g
# CPPFLAGS and LDFLAGS as make's conventions have them (dpkg-buildflags sets
# them for the Debian package: fortify, relro, bindnow)
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CPPFLAGS) $(CFLAGS) -Iinclude -Isrc
ALL_LDFLAGS := $(LDFLAGS)
ifneq ($(SANITIZE),)
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
ALL_LDFLAGS += -fsanitize=$(SANITIZE)
BUILD := build-san
endif
ifneq ($(WERROR),)
ALL_CFLAGS += -Werror
endif

LIB_SRC := $(sort $(wildcard src/util/*.c src/read/*.c src/facts/*.c src/check/*.c src/report/*.c))
CLI_SRC := $(sort $(wildcard src/cli/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:%.c=$(BUILD)/%)

ifeq ($(V),1)
Q :=
else
Q := @
endif

.PHONY: all deps test-deps check demo bench fuzz install clean unit mutate
all: $(BUILD)/goabi

deps:
	$(Q)scripts/install-deps.sh build

test-deps:
	$(Q)scripts/install-deps.sh all

$(BUILD)/%.o: %.c $(wildcard include/goabi/*.h) $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	@[ "$(Q)" ] && echo "  CC $<" || true
	$(Q)$(CC) $(ALL_CFLAGS) $(DEP_CFLAGS) -c -o $@ $<

# libgoabi-internal.a: every object with every global, for the CLI and the
# unit and fuzz harnesses (they call internal functions).
$(BUILD)/libgoabi-internal.a: $(LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

# libgoabi.a (installed): the same objects linked into one relocatable
# object whose only global symbols are the public API (goabi_*, declared in
# include/goabi/); internal helpers (rd32, json_str, version_cmp ...) become
# local, so they cannot clash with a program's own symbols.
$(BUILD)/libgoabi.a: $(LIB_OBJ) Makefile
	$(Q)$(LD) -r -o $(BUILD)/libgoabi-all.o $(LIB_OBJ)
	$(Q)$(OBJCOPY) --wildcard --keep-global-symbol='goabi_*' $(BUILD)/libgoabi-all.o $(BUILD)/libgoabi.o
	$(Q)rm -f $@ $(BUILD)/libgoabi-all.o && ar rcs $@ $(BUILD)/libgoabi.o

all: $(BUILD)/libgoabi.a $(BUILD)/goabi.pc

# goabi.pc for pkg-config (docs/example/goabi-example.c shows the use),
# written with the PREFIX of the build and again by `make install` with the
# PREFIX of the install. Only the static libgoabi.a is installed, so every
# program that links it needs its dependencies: they are in Libs as well as
# Libs.private (libdwarf is static-only on Debian and has no .pc; capstone,
# libarchive, libcurl and libcrypto are loaded with dlopen on first use).
PC_PRIVATE = -ldwarf $(shell $(PKG_CONFIG) --libs $(LINKED_PKGS) 2>/dev/null) -lmd -lz -lpthread
PC_VERSION = $(shell sed -n 's/^\#define GOABI_VERSION "\(.*\)"/\1/p' include/goabi/goabi.h)
define write_pc
printf '%s\n' 'prefix=$(PREFIX)' 'exec_prefix=$${prefix}' 'libdir=$(patsubst $(PREFIX)/%,$${exec_prefix}/%,$(LIBDIR))' \
	'includedir=$${prefix}/include' '' 'Name: goabi' \
	'Description: Go/C ABI compatibility facts of ELF files and ar archives, and the checks over them' \
	'Version: $(PC_VERSION)' 'Cflags: -I$${includedir}' \
	'Libs: -L$${libdir} -lgoabi $(strip $(PC_PRIVATE))' 'Libs.private: $(strip $(PC_PRIVATE))' > $(1)
endef
$(BUILD)/goabi.pc: Makefile include/goabi/goabi.h
	@mkdir -p $(dir $@)
	$(Q)$(call write_pc,$@)

$(BUILD)/goabi: $(CLI_OBJ) $(BUILD)/libgoabi-internal.a
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libgoabi-internal.a $(DEP_LIBS)

$(BUILD)/tests/unit/%: tests/unit/%.c $(BUILD)/libgoabi-internal.a tests/unit/unit.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) $(DEP_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libgoabi-internal.a $(DEP_LIBS)

unit: $(UNIT_BIN)

# make check: install everything, build, build fixtures, run every test (the
# fuzz targets only replay their seeds and regression inputs: deterministic);
# last line "N passed, N failed, N skipped". TESTS='tests/cli/t-link-*.sh'
# runs a subset of the CLI tests; FUZZ_REPLAY=0 leaves out the fuzz replay.
check: test-deps
	$(Q)$(MAKE) --no-print-directory -j$(shell nproc) all unit
	$(Q)BUILD=$(BUILD) SANITIZE=$(SANITIZE) tests/run.sh

demo: deps
	$(Q)$(MAKE) --no-print-directory -j$(shell nproc) all
	$(Q)BUILD=$(BUILD) tests/demo.sh

bench: test-deps
	$(Q)$(MAKE) --no-print-directory -j$(shell nproc) all
	$(Q)BUILD=$(BUILD) tests/bench.sh

# make fuzz FUZZ_SECONDS=N: the random campaigns, N seconds per target
# (FUZZ_TARGETS='ar inspect' a subset, FUZZ_JOBS=2 parallel workers); every
# crash is kept under build-fuzz/ and must become a committed input in
# tests/fuzz/regress/<target>/ (docs/limits.md)
fuzz: test-deps
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh campaign

# make mutate: apply one source mutation at a time (tests/mutations.tsv) in a
# temporary copy, rebuild, run that command's tests; reports which mutations
# no test catches (docs/testing.md). Not part of make check: ~1 h on 2 cores.
mutate: test-deps
	$(Q)tests/mutate.sh $(MUTATIONS)

# libFuzzer targets (tests/fuzz/fuzz_*.c): the library rebuilt with clang in
# build-fuzz with coverage instrumentation, ASan and UBSan. tests/fuzz/run.sh
# calls this; `make fuzz FUZZ_SECONDS=N` runs each target for N seconds,
# `make check` only replays (tests/fuzz/run.sh replay).
FUZZ_CC ?= clang-14
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build-fuzz/%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
.PHONY: fuzz-build
fuzz-build:
	$(Q)$(MAKE) --no-print-directory BUILD=build-fuzz SANITIZE= CC=$(FUZZ_CC) \
		CFLAGS="-O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN)" $(FUZZ_BIN)

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(BUILD)/libgoabi-internal.a
	$(Q)$(CC) $(ALL_CFLAGS) $(DEP_CFLAGS) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $< $(BUILD)/libgoabi-internal.a $(DEP_LIBS)

install: $(BUILD)/goabi $(BUILD)/libgoabi.a $(BUILD)/goabi.pc
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(LIBDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(PREFIX)/include/goabi $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/goabi $(DESTDIR)$(PREFIX)/bin/goabi
	install -m 644 $(BUILD)/libgoabi.a $(DESTDIR)$(LIBDIR)/libgoabi.a
	$(call write_pc,$(DESTDIR)$(LIBDIR)/pkgconfig/goabi.pc)
	chmod 644 $(DESTDIR)$(LIBDIR)/pkgconfig/goabi.pc
	install -m 644 include/goabi/*.h $(DESTDIR)$(PREFIX)/include/goabi/
	install -m 644 docs/goabi.1 $(DESTDIR)$(PREFIX)/share/man/man1/goabi.1
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions $(DESTDIR)$(PREFIX)/share/zsh/vendor-completions
	install -m 644 completions/goabi.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/goabi
	install -m 644 completions/_goabi $(DESTDIR)$(PREFIX)/share/zsh/vendor-completions/_goabi

clean:
	rm -rf build build-san build-fuzz
