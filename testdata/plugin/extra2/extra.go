package extra
func V() int { return 2 }
func W() int { return 3 }
