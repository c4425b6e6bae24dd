module example.com/cs2

go 1.19
