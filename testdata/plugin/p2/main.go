package main

import (
	"net"
	"example.com/shared"
)

func Hello() string { return "p2 " + shared.Name() + string(rune(net.IPv4len)) }
