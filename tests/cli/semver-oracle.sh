#!/bin/bash
# Build Go's own semver.Compare (golang.org/x/mod/semver, as vendored in the
# Go toolchain's source tree) as a filter into DIR/semver-oracle:
# reads "A B" lines, prints -1, 0 or 1 per line. An oracle for goabi's
# module-version ordering that shares no code with it.
set -eu
SV=$1
mkdir -p "$SV/semver"
cp "$(go env GOROOT)/src/cmd/vendor/golang.org/x/mod/semver/semver.go" "$SV/semver/"
printf 'module svoracle\n\ngo 1.19\n' > "$SV/go.mod"
cat > "$SV/main.go" << 'GO'
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"svoracle/semver"
)

func main() {
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		fmt.Println(semver.Compare(f[0], f[1]))
	}
}
GO
cd "$SV" && GOFLAGS=-mod=mod GOPROXY=off go build -o semver-oracle .
