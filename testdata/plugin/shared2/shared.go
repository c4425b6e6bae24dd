package shared

func Name() string { return "shared v2" }

func Extra(n int) int { return n + 1 }
