module example.com/p5

go 1.19
