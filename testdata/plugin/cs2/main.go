package main

import "C"

//export Mul
func Mul(a, b C.int) C.int { return a * b }

func main() {}
