#!/bin/sh
# Holds C files to .clang-format: check_format.sh [FILE...]
#
# Without FILE, every .c and .h file git tracks (generated gSOAP code is
# never committed).  CLANG_FORMAT names the binary: clang-format-19, the
# version .clang-format is written for (another version lays out a few
# constructs differently).  Prints file:line:col for each place that would
# change and exits 1, or prints one summary line and exits 0.  To see the
# change: clang-format-19 FILE | diff -u FILE -; to make it: clang-format-19
# -i FILE.
set -eu
cd "$(dirname "$0")/../.."
cf=${CLANG_FORMAT:-clang-format-19}
if [ $# -eq 0 ]; then
    # shellcheck disable=SC2046 # file names without blanks (git ls-files)
    set -- $(git ls-files '*.c' '*.h')
fi
out=$("$cf" --dry-run --Werror "$@" 2>&1) && rc=0 || rc=$?
if [ "$rc" -eq 0 ]; then
    echo "format: $# files OK"
    exit 0
fi
printf '%s\n' "$out" | grep -E '^[^ ].*:[0-9]+:[0-9]+: (error|warning):' \
    | sed 's/ \[-Wclang-format-violations\]$//' || printf '%s\n' "$out"
places=$(printf '%s\n' "$out" | grep -cE ':[0-9]+:[0-9]+: (error|warning):' \
    || true)
files=$(printf '%s\n' "$out" | grep -E ':[0-9]+:[0-9]+: (error|warning):' \
    | cut -d: -f1 | sort -u | wc -l)
echo "format: $places place(s) in $files of $# files differ from .clang-format"
exit 1
