# salesplan — convenience wrapper around Meson/Ninja.
#   make deps       install every Debian package needed (idempotent; apt-get)
#   make            build build/salesplan
#   make demo       the main job: build, make a workspace from examples/, show it
#   make test       every test suite: unit + integration, the same under
#                   AddressSanitizer + UBSan, and a short fuzz run (tools/test.sh)
#   make test-asan  only the suites under AddressSanitizer + UBSan
#   make bench      the scale benchmark (see bench/README.md)
#   make fuzz       a longer fuzz run of every target

BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

DEB_PACKAGES = build-essential meson ninja-build pkg-config python3 git \
  libsqlite3-dev sqlite3 libfyaml-dev libjansson-dev libcsv-dev libutf8proc-dev \
  libcmocka-dev clang libclang-rt-14-dev hyperfine time python3-yaml \
  libcurl4-openssl-dev python3-aiosmtpd python3-icalendar \
  libmicrohttpd-dev libsodium-dev chromium chromium-driver fonts-wqy-microhei \
  libxlsxwriter-dev libzip-dev libexpat1-dev python3-openpyxl libreoffice-calc-nogui wrk systemd

.PHONY: all deps build demo test test-unit test-asan fuzz fuzz-smoke bench clean

all: build

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "all Debian packages present"; fi

$(BUILD)/build.ninja:
	meson setup $(BUILD)

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

demo: build
	@bash tools/demo.sh $(BUILD)/salesplan

test:
	bash tools/test.sh

test-unit: build
	meson test -C $(BUILD) --suite unit --print-errorlogs

$(ASAN_BUILD)/build.ninja:
	CC=clang meson setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug

test-asan: $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	  meson test -C $(ASAN_BUILD) --print-errorlogs

$(FUZZ_BUILD)/build.ninja:
	CC=clang meson setup $(FUZZ_BUILD) -Dfuzz=true -Db_lundef=false -Dbuildtype=debug \
      -Db_sanitize=address,undefined -Dc_args=-fsanitize=fuzzer-no-link

fuzz-smoke: $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD)
	bash tests/fuzz/run.sh $(FUZZ_BUILD) 10

fuzz: $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD)
	bash tests/fuzz/run.sh $(FUZZ_BUILD) 600

bench: build
	bash bench/run.sh $(BUILD)/salesplan; rc=$$?; bash bench/web.sh $(BUILD)/salesplan || rc=1; exit $$rc

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
