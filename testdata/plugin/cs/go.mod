module example.com/cs

go 1.19
