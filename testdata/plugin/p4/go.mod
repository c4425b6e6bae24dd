module example.com/p4

go 1.19

require example.com/extra v0.0.0
replace example.com/extra => ../extra2
