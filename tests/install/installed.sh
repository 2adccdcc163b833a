#!/usr/bin/env bash
# Checks an installed decree: `tests/install/installed.sh PREFIX VERSION SOURCE`, where PREFIX
# holds bin/decree and share/ (a `cmake --install --prefix` folder, or usr/ of an unpacked .deb)
# and SOURCE is the repository it was built from.
# Runs the program from another folder with DECREE_PATH unset, so it must find the shipped
# policies and cases by name; checks the man pages and the completion scripts.
set -euo pipefail
prefix=$(cd "$1" && pwd)
version=$2
source=$(cd "$3" && pwd)
decree=$prefix/bin/decree
fail() { echo "FAIL: $*" >&2; exit 1; }

for f in bin/decree share/decree/policies/telegram-1956.decree share/decree/scenarios/historical/ly-kim.yaml \
         share/decree/scenarios/counterfactual/no-friends-veto.decree share/decree/scenarios/populations/return-requests.yaml \
         share/doc/decree/README.md share/doc/decree/language.md share/doc/decree/install.md \
         share/man/man1/decree.1.gz share/man/man1/decree-run.1.gz \
         share/bash-completion/completions/decree share/zsh/vendor-completions/_decree; do
  [ -e "$prefix/$f" ] || fail "$f is not installed"
done

# The shipped folders hold what the repository's do.
for folder in policies scenarios sources; do
  [ -d "$source/$folder" ] || continue
  diff -r "$source/$folder" "$prefix/share/decree/$folder" >/dev/null || fail "share/decree/$folder differs from $folder/"
done

elsewhere=$(mktemp -d)
trap 'rm -rf "$elsewhere"' EXIT
cd "$elsewhere"
unset DECREE_PATH

# One version: the program's, the trace's generator.
[ "$("$decree" --version)" = "decree $version" ] || fail "decree --version says '$("$decree" --version)', not 'decree $version'"

# The README's case, by name, from a folder that holds nothing.
out=$("$decree" run telegram-1956 ly-kim) || fail "decree run telegram-1956 ly-kim failed"
grep -q "L. Yu. Kim — general of the Korean army  ly-kim, $prefix/share/decree/scenarios/historical/ly-kim.yaml:14" <<<"$out" \
  || fail "the case was not read from the installed share folder: $out"
grep -q "return (Return to the USSR): REFUSED by embassy" <<<"$out" || fail "unexpected outcome: $out"
json=$("$decree" run --format json telegram-1956 ly-kim)
grep -Eq "\"generator\": ?\"decree $version\"" <<<"$json" || fail "the trace's generator is not decree $version"
# Every shipped case meets its expect: blocks, named by folder; a counterfactual by name too.
"$decree" test telegram-1956 historical >/dev/null || fail "decree test telegram-1956 historical failed"
"$decree" test no-friends-veto historical >/dev/null || fail "decree test no-friends-veto historical failed"
# A missing name says where it looked.
if err=$("$decree" run telegram-1956 nobody 2>&1); then fail "a missing case name was accepted"; fi
grep -q "$prefix/share/decree (installed with decree)" <<<"$err" || fail "the error does not say where it looked: $err"
# Explicit paths still work.
"$decree" check "$prefix/share/decree/policies/telegram-1956.decree" >/dev/null 2>&1 || fail "decree check PATH failed"

# A man page for decree and for each subcommand, each of which renders without a warning.
commands=$("$decree" completion commands | cut -f1)
[ -n "$commands" ] || fail "no subcommands listed"
for page in decree $(sed 's/^/decree-/' <<<"$commands"); do
  file=$prefix/share/man/man1/$page.1.gz
  [ -e "$file" ] || fail "no man page $page.1.gz"
  warnings=$(zcat "$file" | groff -man -ww -z -Tutf8 2>&1) || fail "groff failed on $page.1.gz"
  [ -z "$warnings" ] || fail "groff warns about $page.1.gz: $warnings"
done
MANWIDTH=80 man -l "$prefix/share/man/man1/decree-run.1.gz" 2>/dev/null | grep -q "decree run \[OPTIONS\] policy cases" \
  || fail "man -l decree-run.1.gz does not show the synopsis"
man -l "$prefix/share/man/man1/decree.1.gz" 2>/dev/null | grep -q "DECREE_PATH" || fail "decree.1 does not document DECREE_PATH"

# Bash completion: `decree r<TAB>`, options, values, and the shipped names.
complete_words() {
  PATH="$prefix/bin:$PATH" bash --norc --noprofile -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
    _decree; printf "%s\n" "${COMPREPLY[@]}" | sort' sh "$prefix/share/bash-completion/completions/decree" "$@"
}
[ "$(complete_words decree r)" = $'report\nrun' ] || fail "decree r<TAB> gives '$(complete_words decree r)'"
[ "$(complete_words decree run --for)" = "--format" ] || fail "decree run --for<TAB> gives '$(complete_words decree run --for)'"
formats=$(complete_words decree run --format '')
grep -qx json <<<"$formats" && grep -qx text <<<"$formats" || fail "decree run --format <TAB> gives '$formats'"
[ "$(complete_words decree run tele)" = "telegram-1956" ] || fail "decree run tele<TAB> gives '$(complete_words decree run tele)'"
[ "$(complete_words decree run telegram-1956 ly-)" = "ly-kim" ] || fail "decree run telegram-1956 ly-<TAB>"
[ "$(complete_words decree diff memo-draft-1956-02-02 telegram-1956 hist)" = "historical" ] || fail "decree diff … hist<TAB>"
# zsh: the script parses and knows every subcommand.
zsh -n "$prefix/share/zsh/vendor-completions/_decree" || fail "_decree is not valid zsh"
for c in $commands; do
  grep -q "^        '$c:" "$prefix/share/zsh/vendor-completions/_decree" || fail "_decree does not complete $c"
done
echo "ok: $prefix"
