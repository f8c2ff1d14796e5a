// Command starlark-go runs one Starlark file with the reference implementation (go.starlark.net)
// for bench/starlark.bench.js, which times it beside `whaleflow starlark` on the same program.
// Built by bench/build-reference-starlark.sh; not part of WhaleFlow itself.
package main

import (
	"fmt"
	"os"

	"go.starlark.net/resolve"
	"go.starlark.net/starlark"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: starlark-go FILE.star")
		os.Exit(2)
	}
	// WhaleFlow accepts set(); the bench program does not use it, but other programs may.
	resolve.AllowSet = true
	printer := func(_ *starlark.Thread, message string) { fmt.Println(message) }
	thread := &starlark.Thread{Name: "bench", Print: printer}
	_, err := starlark.ExecFile(thread, os.Args[1], nil, nil)
	if err == nil {
		return
	}
	if evalError, ok := err.(*starlark.EvalError); ok {
		fmt.Fprintln(os.Stderr, evalError.Backtrace())
	} else {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(1)
}
