package main

import "example.com/shared"

func Hello() string { return "p1 " + shared.Name() }
