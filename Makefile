# liaisonbot: plain GNU make, pkg-config for every library.
#   make                 build build/default/liaisonbot
#   make check           unit, command-line and integration tests (TAP, via prove)
#   make check SANITIZE=1  the same under AddressSanitizer + UBSan (build/san)
#   make bench           throughput figures (never asserted by tests)
#   make golden          rewrite tests/data/golden/ from the current code
#   make fuzz            libFuzzer targets (clang), built with ASan + UBSan
#   make install         PREFIX=/usr/local DESTDIR=

VERSION    := 0.1.0
PREFIX     ?= /usr/local
SYSCONFDIR ?= /etc
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share/liaisonbot
MANDIR     ?= $(PREFIX)/share/man

ifeq ($(SANITIZE),1)
BUILD      ?= build/san
SANFLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
              -fno-omit-frame-pointer
CFLAGS     ?= -O1 -g
else
BUILD      ?= build/default
SANFLAGS   :=
CFLAGS     ?= -O2 -g
endif

PKGS       := glib-2.0 gmime-3.0 libcurl sqlite3 libical gnutls json-glib-1.0 \
              libxml-2.0
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) libetpan)
# Debian's libetpan.pc adds a no-PIE link spec that breaks sanitizer builds.
PKG_LIBS   := $(shell pkg-config --libs $(PKGS)) -letpan

CPPFLAGS   += -Isrc -D_GNU_SOURCE -DLIAISONBOT_VERSION='"$(VERSION)"' \
              -DLIAISONBOT_DATADIR='"$(DATADIR)"' \
              -DLIAISONBOT_SYSCONFDIR='"$(SYSCONFDIR)"'
WARNINGS   := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes \
              -Wmissing-prototypes -Wno-unused-parameter
ALL_CFLAGS := -std=gnu11 $(WARNINGS) $(CFLAGS) $(SANFLAGS) $(PKG_CFLAGS) -MMD -MP
ALL_LDFLAGS := $(LDFLAGS) $(SANFLAGS)

SRCS       := $(wildcard src/*.c)
LIB_OBJS   := $(patsubst src/%.c,$(BUILD)/src/%.o,$(filter-out src/main.c,$(SRCS)))
LIB        := $(BUILD)/libliaisonbot.a
BIN        := $(BUILD)/liaisonbot
UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPER_BINS := $(patsubst tests/helpers/%.c,$(BUILD)/tests/%,$(HELPER_SRCS))

.PHONY: all check unit-tests bench fuzz install uninstall clean demo golden
# Keep test objects: they are intermediates of the pattern rules.
.SECONDARY:
all: $(BIN)

$(BUILD)/src/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# Installed paths and the version are compiled in: rebuild what uses them
# when they change (make PREFIX=/usr after a plain make).
PATHS_STAMP := $(BUILD)/paths.stamp
PATHS_TEXT  := $(VERSION) $(DATADIR) $(SYSCONFDIR)
$(PATHS_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(PATHS_TEXT)' | cmp -s - $@ || echo '$(PATHS_TEXT)' >$@
$(patsubst %,$(BUILD)/src/%.o,main config render calendar_fetch): $(PATHS_STAMP)
.PHONY: FORCE
FORCE:

$(LIB): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(BUILD)/src/main.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%.o: tests/unit/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%.o: tests/helpers/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests $(ALL_CFLAGS) -c -o $@ $<

# The archive lets each test pull in only the modules it uses.
$(BUILD)/tests/%: $(BUILD)/tests/%.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(TEST_LIBS)

# The benchmark's GMime floor links GMime, GLib and SQLite, nothing of ours.
$(BUILD)/tests/bench_gmime: $(BUILD)/tests/bench_gmime.o
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(shell pkg-config --libs gmime-3.0 sqlite3)

$(BUILD)/tests/test_mustache: TEST_LIBS = $(shell pkg-config --libs json-glib-1.0 2>/dev/null)
$(BUILD)/tests/test_mustache.o: ALL_CFLAGS += $(shell pkg-config --cflags json-glib-1.0 2>/dev/null)

unit-tests: $(UNIT_BINS) $(HELPER_BINS)

check: $(BIN) unit-tests
	LIAISONBOT_BUILD=$(BUILD) tests/run-suite.sh

bench: $(BIN) $(HELPER_BINS)
	LIAISONBOT_BUILD=$(BUILD) tests/bench/run.sh

# Deliberately: review the diff of tests/data/golden/ before committing.
golden: $(BIN)
	LIAISONBOT=$(CURDIR)/$(BIN) LIAISONBOT_GOLDEN=write tests/cli/digest.sh

FUZZ_SRCS  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS  := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRCS))
FUZZ_OBJS  := $(patsubst src/%.c,build/fuzz/src/%.o,$(filter-out src/main.c,$(SRCS)))
# UBSan findings must abort, or libFuzzer never sees them.
FUZZ_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
              -fno-omit-frame-pointer -g -O1
fuzz: $(FUZZ_BINS)
# One instrumented archive: each target links only the modules it uses.
build/fuzz/src/%.o: src/%.c
	@mkdir -p $(@D)
	clang -std=gnu11 $(CPPFLAGS) $(PKG_CFLAGS) $(FUZZ_FLAGS) \
		-fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<
build/fuzz/libliaisonbot.a: $(FUZZ_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^
build/fuzz/%: tests/fuzz/%.c build/fuzz/libliaisonbot.a
	clang -std=gnu11 $(CPPFLAGS) -Itests $(PKG_CFLAGS) $(FUZZ_FLAGS) \
		-fsanitize=fuzzer -o $@ $< build/fuzz/libliaisonbot.a $(PKG_LIBS)

demo:
	contrib/demo.sh

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/templates \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(SYSCONFDIR)/liaisonbot
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/liaisonbot
	install -m 644 templates/*.mustache $(DESTDIR)$(DATADIR)/templates/
	install -m 644 config/rules.conf $(DESTDIR)$(DATADIR)/rules.conf
	install -m 644 config/liaisonbot.conf.example $(DESTDIR)$(DATADIR)/liaisonbot.conf.example
	install -m 644 contrib/man/liaisonbot.1 $(DESTDIR)$(MANDIR)/man1/liaisonbot.1
	install -m 644 contrib/man/liaisonbot.conf.5 $(DESTDIR)$(MANDIR)/man5/liaisonbot.conf.5

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/liaisonbot $(DESTDIR)$(MANDIR)/man1/liaisonbot.1 \
		$(DESTDIR)$(MANDIR)/man5/liaisonbot.conf.5
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build

-include $(LIB_OBJS:.o=.d) $(BUILD)/src/main.d $(UNIT_BINS:=.d) \
	$(FUZZ_OBJS:.o=.d)
