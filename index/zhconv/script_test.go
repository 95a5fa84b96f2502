package zhconv

import "testing"

func TestIsSimplified(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"数据中心为什么要用帐篷", true},
		{"資料中心為什麼要用帳篷", false},
		{"数据中心為什麼", false}, // any Traditional character makes it Traditional
		{"中文", false},      // the same in both scripts
		{"Hyperion?", false},
		{"", false},
		{"\xff\xfe说", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := IsSimplified(tt.in); got != tt.want {
				t.Errorf("IsSimplified(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
