package zhconv

// vocabularyRevision is part of [Version]. Bump it with every change to
// vocabulary: folded text in an existing index no longer matches otherwise.
// TestVocabularyDigest fails until it is bumped.
const vocabularyRevision = "2"

// entry is one vocabulary replacement.
type entry struct{ from, to string }

// vocabulary lists words that Taiwan and Hong Kong write differently from the
// mainland even after character conversion, as [Mainland] applies them.
//
// Rules for editing (the tests check the mechanical ones):
//   - from is written in the output of ToSimplified (资料, not 資料), because
//     the list is applied after character conversion; to is Simplified too.
//   - Keep entries sorted by from (byte order): lookup is a binary search.
//   - Add a word only when the replacement is right in practically every
//     context; otherwise list its unambiguous compounds (人工智慧, 云端运算).
//     Left out on purpose, because each is also correct mainland Chinese
//     with a meaning the replacement would break: 智慧 (wisdom), 云端,
//     数位 ("several", and it would split 多数位于), 品质 (a person's
//     character), 即时 (immediately, as in 即时生效), 变数 (an uncertain
//     factor).
//   - An entry whose to equals its from pins a longer word so that a shorter
//     entry cannot split it (方程式 keeps 程式→程序 from touching it).
//   - A replacement is scanned again together with its neighbours, so it
//     can form another entry with them: 網際網路路由器 gives 互联网 + 路由器,
//     in which 网路 would match. Pin the longer word (互联网路) where that
//     would produce wrong Chinese. The rescanning keeps Mainland idempotent
//     whatever the list holds, provided rewriting ends: TestVocabularyTerminates
//     rejects entries that only remove characters other entries add back.
//
// Read-only: never modified after compilation.
var vocabulary = [...]entry{
	{"专案", "项目"},
	{"丛集", "集群"}, // computer cluster
	{"乾净", "干净"}, // 乾 stays in 乾隆, 乾坤
	{"乾燥", "干燥"},
	{"云端运算", "云计算"},  // plain 云端 is also mainland usage and stays
	{"互联网路", "互联网路"}, // pinned: 互联网 + 路由器 must not become 互联网络由器
	{"人工智慧", "人工智能"}, // Taiwan 智慧 as "intelligence"; plain 智慧 (wisdom) is correct mainland Chinese and stays
	{"介面", "界面"},     // user interface
	{"伺服器", "服务器"},
	{"作业系统", "操作系统"},
	{"使用者", "用户"},
	{"使用者介面", "用户界面"},
	{"函式", "函数"},
	{"原始码", "源代码"},
	{"夥伴", "伙伴"},
	{"媒介面", "媒介面"}, // pinned: 媒介 + 面临
	{"影片", "视频"},   // Taiwan 影片 is any video; mainland 影片 is a film
	{"意味著", "意味着"},
	{"执行绪", "线程"},
	{"扩充套件", "扩展"}, // browser or editor extension
	{"接著", "接着"},
	{"支援", "支持"},   // Taiwan 支援 is "supports"; mainland 支援 means sending aid
	{"数位化", "数字化"}, // bare 数位 stays: it also means "several" (数位专家) and splits 多数位于
	{"数位时代", "数字时代"},
	{"数位相机", "数码相机"},
	{"数位转型", "数字化转型"},
	{"方程式", "方程式"}, // pinned: equation, the same on the mainland
	{"晶片", "芯片"},
	{"智慧型手机", "智能手机"},
	{"智慧手机", "智能手机"},
	{"智慧眼镜", "智能眼镜"},
	{"滑鼠", "鼠标"},
	{"演算法", "算法"},
	{"特徵", "特征"}, // 徵 stays for the note zhǐ
	{"登入", "登录"},
	{"瞭解", "了解"}, // 瞭 stays in 瞭望
	{"硬体", "硬件"},
	{"硬碟", "硬盘"},
	{"社群", "社区"}, // online or open-source community
	{"社群媒体", "社交媒体"},
	{"社群网站", "社交网站"},
	{"社群网路", "社交网络"},
	{"程式", "程序"}, // computer program
	{"程式码", "代码"},
	{"网路", "网络"},
	{"网路由", "网路由"}, // pinned: mainland 网 + 路由器 (无线网路由器)
	{"网际网路", "互联网"},
	{"萤幕", "屏幕"},
	{"行动装置", "移动设备"},
	{"讯息", "消息"},
	{"记忆体", "内存"},
	{"许可权", "权限"}, // access rights; the mainland 许可权 is a legal licence
	{"象徵", "象征"},
	{"资料", "数据"}, // Taiwan 資料 is also "materials"; in this project's transcripts it is data
	{"资料中心", "数据中心"},
	{"资料库", "数据库"},
	{"资料集", "数据集"},
	{"资讯", "信息"},
	{"超级智慧", "超级智能"},
	{"软体", "软件"},
	{"软体动物", "软体动物"}, // pinned: mollusc, the same on the mainland
	{"连线", "连接"},     // network connection; mainland 连线 means a live link-up
	{"透过", "通过"},     // by means of
	{"部落格", "博客"},
	{"释出", "发布"},     // software or model release
	{"释出善意", "释出善意"}, // pinned: the idiom is the same on the mainland
	{"随著", "随着"},     // 著 stays in 著名, 著作; only unambiguous particle uses are listed
	{"韧体", "固件"},
	{"预设", "默认"},     // default setting
	{"预设立场", "预设立场"}, // pinned: preconception, the same on the mainland
	{"频宽", "带宽"},
	{"饼乾", "饼干"},
}
