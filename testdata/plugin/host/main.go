package main

import (
	"fmt"
	"net"
	"os"
	"plugin"

	"example.com/shared"
)

func main() {
	_ = shared.Name() + net.ParseIP("1.2.3.4").String()
	for _, p := range os.Args[1:] {
		if _, err := plugin.Open(p); err != nil {
			fmt.Printf("fail %s\n", err)
		} else {
			fmt.Printf("load %s\n", p)
		}
	}
}
