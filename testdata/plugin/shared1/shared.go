package shared

func Name() string { return "shared v1" }
