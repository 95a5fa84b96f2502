package language

import "testing"

func TestFor(t *testing.T) {
	tests := []struct {
		name, locale, question string
		want                   Lang
	}{
		{"taiwan", "zh-TW", "What about GPUs?", Traditional},
		{"mainland", "zh-CN", "資料中心在哪", Simplified},
		{"english", "en-US", "Hyperion?", English},
		{"other locale", "fr", "Hyperion?", English},
		{"english locale, chinese question", "en-US", "小扎為什麼說研究員更在乎GPU", English},
		{"other locale, chinese question", "ja", "小扎為什麼說研究員更在乎GPU", Traditional},
		{"no locale, simplified", "", "数据中心为什么要用帐篷", Simplified},
		{"no locale, traditional", "", "資料中心為什麼要用帳篷", Traditional},
		{"no locale, english", "", "why tents", English},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := For(tt.locale, tt.question); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPick(t *testing.T) {
	tests := []struct {
		name string
		lang Lang
		want string
	}{
		{"english", English, "data center"},
		{"traditional", Traditional, "資料中心"},
		{"simplified", Simplified, "数据中心"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.lang.Pick("data center", "資料中心"); got != tt.want {
				t.Errorf("Pick = %q, want %q", got, tt.want)
			}
		})
	}
}
