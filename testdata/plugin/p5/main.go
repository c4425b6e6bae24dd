package main

// #cgo LDFLAGS: -L${SRCDIR}/dep -lplugdep
// int plugdep(void);
import "C"

func Five() int { return int(C.plugdep()) }
