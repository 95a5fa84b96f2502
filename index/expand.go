package index

import "strings"

// Query expansion. bleve's own synonym support only keeps synonyms that
// analyse to a single token, which drops nearly every Chinese one under
// bigram analysis, so the question is expanded here before analysis. Each
// group lists words that readers use for one thing; a question containing
// any of them also searches for the first, canonical one. The lists hold
// general vocabulary of the topic (people, companies, money, compute), not
// phrases of particular questions. Chinese entries are in canonical form
// (mainland Simplified, after zhconv.Mainland).
//
// The first group of each list names Zuckerberg: nearly every answer is his,
// and only the summary names him, so searching for his name would favour the
// summary. His names count towards coverage (confidence.go) but are not
// searched for.
var zhGroups = [][]string{
	{"扎克伯格", "小扎", "扎哥", "老扎", "马克", "马克·扎克伯格", "zuck", "扎总", "祖克柏", "祖克伯", "朱克伯格", "扎克博格", "扎克柏格", "扎伯克格", "zuckerberg"},
	{"主持人", "主播", "记者", "采访者", "访谈人", "host"},
	{"薪酬", "薪资", "工资", "薪水", "年薪", "报酬", "待遇", "开价", "薪酬包", "高薪", "天价", "签约费", "package"},
	{"挖人", "挖角", "挖墙脚", "抢人", "招募", "招揽", "猎头", "挖走"},
	{"招聘", "招人", "聘请", "雇人", "扩招", "征才", "纳才"},
	{"研究员", "研究者", "科学家", "大牛", "大神", "人才"},
	{"算力", "计算资源", "运算资源", "计算能力", "gpu", "显卡", "芯片"},
	{"资本支出", "资本开支", "capex", "投入", "砸钱", "花钱", "烧钱", "开销"},
	{"资金", "钱", "现金流", "资本", "融资"},
	{"数据中心", "机房", "资料中心", "算力中心", "超算中心"},
	{"集群", "丛集", "超级计算机", "超算", "超级电脑"},
	{"超级智能", "超智能", "超级ai", "asi", "超级智慧", "超智慧"},
	{"眼镜", "智能眼镜", "ai眼镜", "雷朋", "ray-ban"},
	{"帐篷", "棚子", "帆布"},
	{"飓风", "台风", "风暴", "暴风", "龙卷风"},
	{"竞争对手", "对手", "竞品", "友商", "同行", "别家"},
	{"altman", "奥特曼", "阿特曼", "奥尔特曼", "sama"},
	{"命名", "起名", "取名", "名字", "叫什么"},
	{"神话", "希腊", "罗马", "泰坦"},
	{"实验室", "lab", "团队"},
	{"采访", "访谈", "专访", "节目", "对谈"},
}

var enGroups = [][]string{
	{"zuckerberg", "zuck", "mark", "zuckerburg", "zuckerburg's", "zuckerberg's", "zuck's"},
	{"host", "interviewer", "anchor", "journalist", "reporter"},
	{"pay", "salary", "salaries", "compensation", "comp", "package", "packages", "paycheck", "offer", "offers", "wage", "wages"},
	{"poaching", "poach", "poached", "recruit", "recruiting", "hiring", "hire", "hired", "talent"},
	{"compute", "gpu", "gpus", "chips", "computing"},
	{"capex", "spending", "spend", "investment", "invest", "budget"},
	{"datacenter", "datacenters", "data center", "data centers", "data centre", "data centres"},
	{"cluster", "clusters", "supercomputer", "supercomputers"},
	{"superintelligence", "super intelligence", "super-intelligence", "asi", "agi"},
	{"glasses", "eyewear", "ray-ban", "ray-bans", "wearables", "wearable"},
	{"hurricane", "hurricanes", "storm", "storms", "typhoon"},
	{"rivals", "rival", "competitors", "competitor", "competition", "other labs"},
	{"altman", "sama"},
	{"myth", "myths", "mythology", "greek", "roman"},
	{"interview", "show", "podcast", "episode", "conversation"},
}

// expandZH returns the canonical words for groups that the question
// touches but does not already name.
func expandZH(q string) string { return expand(q, zhGroups[1:]) }

// expandEN does the same for English.
func expandEN(q string) string { return expand(q, enGroups[1:]) }

func expand(q string, groups [][]string) string {
	var out []string
	for _, g := range groups {
		if contains(q, g[0]) {
			continue
		}
		for _, w := range g[1:] {
			if contains(q, w) {
				out = append(out, g[0])
				break
			}
		}
	}
	return strings.Join(out, " ")
}

// contains reports whether q contains w; as a whole word when w is
// written in Latin letters (so "lab" is not found in "collaborate").
func contains(q, w string) bool {
	if w == "" || w[0] >= 0x80 {
		return strings.Contains(q, w)
	}
	for i := 0; ; {
		j := strings.Index(q[i:], w)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(w)
		if (start == 0 || !isWordByte(q[start-1])) && (end == len(q) || !isWordByte(q[end])) {
			return true
		}
		i = start + 1
	}
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b >= 0x80
}
