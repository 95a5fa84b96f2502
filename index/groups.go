package index

// Synonym groups. bleve's own synonym support keeps only synonyms that
// analyse to a single token, which drops nearly every Chinese one under
// bigram analysis, so words are folded here instead: every member of a group
// becomes the group's first, canonical word, in the passages when the index
// is built and in every question, before analysis. The lists hold general
// vocabulary of the interview's subjects (people, companies, money, compute)
// and the everyday words readers use for them, not phrases of particular
// questions. Chinese entries are in canonical form (mainland Simplified,
// after zhconv.Mainland); Latin ones are lower case and match whole words.
//
// Read-only: never modified after compilation.

// zuckerbergZH and zuckerbergEN name Zuckerberg. Nearly every answer is his,
// so his name says nothing about which answer is meant: it is neither
// searched for nor weighed in coverage.
var (
	zuckerbergZH = []string{"扎克伯格", "小扎", "扎哥", "老扎", "马克", "马克·扎克伯格", "zuck", "zucc", "扎总", "祖克柏", "祖克伯", "朱克伯格", "扎克博格", "扎克柏格", "扎伯克格", "扎克伯个", "zuckerberg", "zuckerburg"}
	zuckerbergEN = []string{"zuckerberg", "zuck", "zucc", "mark", "zuckerburg", "zuckerburg's", "zuckerberg's", "zuck's", "zuckerbergs", "zuckerberg’s", "zuck’s"}
)

// hostZH and hostEN name the host: a question about the host wants the
// host's lines, which otherwise rank below the answers.
var (
	hostZH = []string{"主持人", "主播", "记者", "采访者", "访谈人", "host"}
	hostEN = []string{"host", "interviewer", "anchor", "journalist", "reporter"}
)

var zhGroups = [][]string{
	zuckerbergZH,
	hostZH,
	{"薪酬", "薪资", "工资", "薪水", "年薪", "报酬", "待遇", "开价", "薪酬包", "高薪", "天价", "签约费", "package", "salary", "salaries", "compensation", "pay package", "pay packages"},
	{"挖人", "挖角", "挖墙脚", "抢人", "招募", "招揽", "猎头", "挖走"},
	{"招聘", "招人", "聘请", "雇人", "扩招", "征才", "纳才"},
	{"研究员", "研究者", "科学家", "大牛", "大神", "人才", "researcher", "researchers"},
	{"算力", "计算资源", "运算资源", "计算能力", "gpu", "显卡", "芯片", "gpus", "compute"},
	{"资本支出", "资本开支", "capex", "砸钱", "花钱", "烧钱", "开销", "capital expenditure", "capital expenditures"},
	{"资金", "现金流", "融资"},
	{"数据中心", "机房", "资料中心", "算力中心", "超算中心", "data center", "data centers", "datacenter", "datacenters", "data centre", "data centres"},
	{"集群", "丛集", "超级计算机", "超算", "超级电脑", "cluster", "clusters", "supercomputer", "supercomputers"},
	{"超级智能", "超智能", "超级ai", "asi", "超级智慧", "超智慧", "superintelligence", "super intelligence", "super-intelligence"},
	{"眼镜", "智能眼镜", "ai眼镜", "雷朋", "ray-ban", "rayban", "glasses", "smart glasses", "raybans", "ray-bans"},
	{"帐篷", "棚子", "帆布"},
	{"飓风", "台风", "风暴", "暴风", "龙卷风"},
	{"竞争对手", "对手", "竞品", "友商", "同行", "别家"},
	{"altman", "奥特曼", "阿特曼", "奥尔特曼", "sama"},
	{"命名", "起名", "取名"},
	{"神话", "希腊", "罗马"},
	{"实验室", "lab", "labs"},
	{"采访", "访谈", "专访", "对谈"},
	{"摘要", "懒人包", "重点", "总结", "概要", "大意", "要点", "概括", "重点整理", "summary", "tl;dr", "tldr"},
	{"节目", "电视台", "频道", "电台", "播客"},
}

var enGroups = [][]string{
	zuckerbergEN,
	hostEN,
	{"pay", "salary", "salaries", "compensation", "comp", "package", "packages", "paycheck", "offer", "offers", "wage", "wages"},
	{"poaching", "poach", "poached", "poacher", "poachers"},
	{"hiring", "hire", "hired", "hires", "recruit", "recruiting", "recruited", "recruitment"},
	{"compute", "gpu", "gpus", "chips", "computing"},
	{"capex", "spending", "spend", "investment", "invest", "budget"},
	{"datacenter", "datacenters", "data center", "data centers", "data centre", "data centres"},
	{"cluster", "clusters", "supercomputer", "supercomputers"},
	{"superintelligence", "super intelligence", "super-intelligence", "asi", "agi"},
	{"glasses", "eyewear", "ray-ban", "ray-bans", "rayban", "raybans", "wearables", "wearable"},
	{"hurricane", "hurricanes", "storm", "storms", "typhoon"},
	{"rivals", "rival", "competitors", "competitor", "competition", "other labs"},
	{"altman", "sama"},
	{"myth", "myths", "mythology", "greek", "roman"},
	{"interview", "conversation"},
	{"summary", "summarize", "summarise", "summarized", "recap", "gist", "overview", "rundown", "takeaways", "key points", "main points", "tl;dr", "tldr"},
	{"show", "program", "programme", "podcast", "episode", "broadcast", "broadcaster", "channel"},
}
