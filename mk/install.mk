# mk/install.mk: installing headcount (issue 16).
#
#   make                 also builds the man page and the bash completion, from the
#                        program's own help (scripts/gen_man.sh, scripts/gen_completion.sh)
#   make install         PREFIX (default /usr/local), under DESTDIR when staging a package:
#                          bin/headcount
#                          share/man/man1/headcount.1
#                          share/bash-completion/completions/headcount
#                          share/headcount/configs/*.json    the shipped configs
#                          share/doc/headcount/              README, LICENSE, CITATION.cff, docs/
#   make uninstall       removes what `make install` wrote there: the files, and the folders
#                        it created, as listed in share/headcount/install-manifest
#
# The page and the completion are made by running the program built here, so they say
# what that program does; there is nothing to keep in step by hand.

PREFIX     ?= /usr/local
DESTDIR    ?=
MAN_PAGE   := $(BUILD)/man/headcount.1
COMPLETION := $(BUILD)/completion/headcount
HELP_TOOLS := scripts/help.sh scripts/help.awk

.PHONY: install uninstall

all: $(MAN_PAGE) $(COMPLETION)

$(MAN_PAGE): $(BUILD)/headcount scripts/gen_man.sh $(HELP_TOOLS)
	@mkdir -p $(@D)
	@echo "  MAN     $@"
	$(Q)bash scripts/gen_man.sh $(BUILD)/headcount >$@.tmp && mv $@.tmp $@

$(COMPLETION): $(BUILD)/headcount scripts/gen_completion.sh $(HELP_TOOLS)
	@mkdir -p $(@D)
	@echo "  GEN     $@"
	$(Q)bash scripts/gen_completion.sh $(BUILD)/headcount >$@.tmp && bash -n $@.tmp && mv $@.tmp $@

# What install writes: "SOURCE FOLDER MODE", the folder relative to the prefix.
INSTALL_FILES := $(BUILD)/headcount:bin:755 \
                 $(MAN_PAGE):share/man/man1:644 \
                 $(COMPLETION):share/bash-completion/completions:644 \
                 $(patsubst %,%:share/headcount/configs:644,$(wildcard configs/*.json)) \
                 $(patsubst %,%:share/doc/headcount:644,README.md LICENSE CITATION.cff) \
                 $(patsubst %,%:share/doc/headcount/docs:644,$(wildcard docs/*.md))
INSTALL_ROOT     = $(DESTDIR)$(PREFIX)
INSTALL_MANIFEST = share/headcount/install-manifest

# Each folder is made one level at a time, so the manifest names every one that install
# created ("d FOLDER", kept from an earlier install) and every file it wrote ("f FILE").
install: all
	@[ -n "$(PREFIX)" ] || { echo "make install: PREFIX is empty"; exit 1; }
	$(Q)set -e; root='$(INSTALL_ROOT)'; mkdir -p "$$root"; list=$$(mktemp); \
	if [ -f "$$root/$(INSTALL_MANIFEST)" ]; then grep '^d ' "$$root/$(INSTALL_MANIFEST)" >"$$list" || true; fi; \
	for spec in $(INSTALL_FILES) $(INSTALL_MANIFEST):share/headcount:644; do \
	    src=$${spec%%:*}; rest=$${spec#*:}; dir=$${rest%%:*}; mode=$${rest#*:}; \
	    sub=; for part in $$(echo "$$dir" | tr / ' '); do \
	        sub=$${sub:+$$sub/}$$part; \
	        [ -d "$$root/$$sub" ] || { mkdir "$$root/$$sub"; echo "d $$sub" >>"$$list"; }; \
	    done; \
	    dest=$$dir/$${src##*/}; \
	    if [ "$$src" = $(INSTALL_MANIFEST) ]; then \
	        echo "f $$dest" >>"$$list"; install -m $$mode "$$list" "$$root/$$dest"; \
	    else \
	        echo "  INSTALL $$root/$$dest"; install -m $$mode "$$src" "$$root/$$dest"; echo "f $$dest" >>"$$list"; \
	    fi; \
	done; rm -f "$$list"

# Files first, then the folders install made, deepest first, each only if now empty.
uninstall:
	$(Q)set -e; root='$(INSTALL_ROOT)'; manifest="$$root/$(INSTALL_MANIFEST)"; \
	[ -f "$$manifest" ] || { echo "make uninstall: no $$manifest (nothing installed there by make install)"; exit 1; }; \
	list=$$(mktemp); cp "$$manifest" "$$list"; \
	sed -n 's/^f //p' "$$list" | while IFS= read -r f; do echo "  RM      $$root/$$f"; rm -f "$$root/$$f"; done; \
	sed -n 's/^d //p' "$$list" | sort -r | while IFS= read -r d; do rmdir "$$root/$$d" 2>/dev/null || true; done; \
	rm -f "$$list"
