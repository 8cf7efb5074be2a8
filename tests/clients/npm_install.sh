#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# npm_install.sh SRC DEST: the npm packages pinned in SRC/package.json and
# SRC/package-lock.json installed into DEST/node_modules (npm ci), once:
# again only when the lock file changed.
set -eu
src=$1
dest=$2
mkdir -p "$dest"
if [ -d "$dest/node_modules" ] && cmp -s "$src/package-lock.json" "$dest/package-lock.json"; then
    echo "npm packages of $src up to date in $dest"
    exit 0
fi
cp "$src/package.json" "$src/package-lock.json" "$dest/"
cd "$dest"
npm ci --ignore-scripts --no-audit --no-fund
