# scripts/help.awk: reads one help text of headcount (`headcount --help`, `headcount CMD
# --help`) and writes its parts, one per line, tab-separated, for scripts/gen_man.sh and
# scripts/gen_completion.sh, so both read the help the same way:
#
#   U  TEXT          a usage line (without "usage: ")
#   P  TEXT          a line of prose
#   B                a blank line (a paragraph ends)
#   H  NAME          a list's heading ("options:", "commands:")
#   I  SPEC  DESC    a list item: "-o, --out DIR", "run CONFIG..." and what it does
#   C  TEXT          more of the last item's description
#
# The help's layout: items are indented less than 8 columns, their description follows
# two or more spaces (an option's follows its names and argument), and its continuation lines are indented further; a list lasts
# until the next line that is not indented. POSIX awk (Debian's mawk).
BEGIN { OFS = "\t"; list = 0 }
{ sub(/[ \t\r]+$/, "") }
/^$/ { print "B"; next }
/^usage: / { print "U", substr($0, 8); list = 0; next }
/^[A-Za-z][A-Za-z ]*:$/ { print "H", substr($0, 1, length($0) - 1); list = 1; next }
/^[^ ]/ { print "P", $0; list = 0; next }
{
    match($0, /^ +/)
    indent = RLENGTH
    text = substr($0, indent + 1)
    if (!list) { print "P", text; next }
    if (indent >= 8) { print "C", text; next }
    if (text ~ /^-/) item_option(text)
    else if (match(text, /  +/)) print "I", substr(text, 1, RSTART - 1), substr(text, RSTART + RLENGTH)
    else print "I", text, ""
}

# An option's spec is its names and at most one argument in capitals ("-o, --out DIR",
# "--set KEY=VALUE"), whatever the space before its description.
function item_option(text,    n, w, i, k, spec, desc) {
    n = split(text, w, " ")
    spec = ""
    for (i = 1; i <= n && w[i] ~ /^-/; i++) spec = spec (i > 1 ? " " : "") w[i]
    if (i <= n && w[i] ~ /^[A-Z][A-Za-z0-9_=.,]*$/) spec = spec " " w[i++]
    desc = ""
    for (k = i; k <= n; k++) desc = desc (k > i ? " " : "") w[k]
    print "I", spec, desc
}
