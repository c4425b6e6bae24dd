package main
import "example.com/extra"
func X() int { return extra.V() }
