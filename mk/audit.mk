# mk/audit.mk: the audit trail (headcount trace, raw samples, output hashes; issue 10).
# SHA-256 of output files comes from Debian's nettle (nettle-dev, scripts/setup.sh).
LDLIBS += -lnettle
