# scripts/help.sh: sourced by scripts/gen_man.sh and scripts/gen_completion.sh, which make
# the man page and the bash completion from headcount's own help. Set HELP_BIN first.
#
#   help_parse ARGS...   the help that `$HELP_BIN ARGS...` prints, in scripts/help.awk's
#                        records (U usage, P prose, B blank, H heading, I item, C more)
#   help_commands        the commands: the first word of each item of the general help's
#                        "commands" list (not its "headcount ..." lines)
HELP_AWK="$(dirname "${BASH_SOURCE[0]}")/help.awk"

help_parse() { "$HELP_BIN" "$@" | awk -f "$HELP_AWK"; }

help_commands() {
    help_parse --help | awk -F'\t' '$1 == "H" { inlist = ($2 == "commands") }
        $1 == "I" && inlist && $2 ~ /^[a-z][a-z-]*( |$)/ && $2 !~ /^headcount/ { split($2, w, " "); print w[1] }'
}
