package bot

import (
	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/internal/language"
)

// texts are the words the bot says, in one language.
type texts struct {
	AskDesc, AskQuestion, AskQuestionName, AskPrivate, AskPrivateName string
	QuoteDesc, QuoteNumber, QuoteNumberName                           string
	TopicsDesc, AboutDesc                                             string

	More, Context, NoMore, Previous, Next     string
	HostAsked, OtherPassages, Original        string
	Summary, Interview, Passage               string // Passage: "passage %d of %d"
	NoAnswerTitle, NoAnswer                   string
	Empty, TooLong, Failed, SlowDown, Expired string
	ThanksUp, ThanksDown                      string
	ContextTitle, TopicsTitle, TopicsBody     string
	QuoteTitle, AboutTitle, About             string
	AboutHowTitle, AboutHow, AboutSource      string
	Asked                                     string
	Unsure                                    string
	ChatHello, ChatThanks, ChatBye, ChatOther string
}

var catalog = [...]texts{
	language.English: {
		AskDesc:     "Ask about Zuckerberg's interview on AI hiring, superintelligence and the Titan clusters",
		AskQuestion: "Your question, in English or Chinese", AskQuestionName: "question",
		AskPrivate: "Only you see the answer", AskPrivateName: "private",
		QuoteDesc: "A passage of the interview: random, or by number", QuoteNumber: "Passage number", QuoteNumberName: "number",
		TopicsDesc: "The themes of the interview", AboutDesc: "What this bot is and how to use it",
		Previous: "Previous", Next: "Next",
		More: "More results", Context: "Context", NoMore: "That's everything the interview has on this.",
		HostAsked: "The host asked", OtherPassages: "Also relevant", Original: "Original",
		Summary: "Editor's summary", Interview: "Interview", Passage: "passage %d of %d",
		NoAnswerTitle: "The interview doesn't cover that",
		NoAnswer:      "I couldn't find anything in the interview that answers **%s**. It covers Meta's AI hiring, personal superintelligence, CapEx and the Titan data centers: try one of these topics.",
		Empty:         "Your question is empty. Ask me something about the interview, for example: *Why do researchers care about GPUs?*",
		TooLong:       "That question is too long (the limit is %d characters). Try asking it in a sentence or two.",
		Failed:        "Sorry, something went wrong while searching. Please try again in a moment.",
		SlowDown:      "You're asking faster than I can keep up. Please wait %d seconds and try again.",
		Expired:       "This button has expired or isn't mine. Try the command again.",
		ThanksUp:      "Thanks for the feedback! 👍", ThanksDown: "Thanks! I'll use that to answer better. 👎",
		ContextTitle: "Context", TopicsTitle: "Topics of the interview",
		TopicsBody:    "Pick a topic and I'll answer it, or ask anything with `/ask`.",
		QuoteTitle:    "From the interview",
		AboutTitle:    "About this bot",
		About:         "I answer questions about one interview: Mark Zuckerberg on Meta's AI hiring, \"personal superintelligence\", CapEx and the Prometheus and Hyperion \"Titan\" clusters. The text is the Chinese transcript (Traditional script) as published by %s; every passage also has an English rendering.",
		AboutHowTitle: "How to use it",
		AboutHow:      "`/ask question:` ask in English, 繁體中文 or 简体中文\n`/topics` browse the themes\n`/quote` a random passage, or `number:` one by its place\nMention me with a question to get a reply in the channel.",
		AboutSource:   "Source",
		Asked:         "Asked",
		Unsure:        "The interview may not answer this directly; the closest passage:",
		ChatHello:     "👋 Hi! I answer questions about one interview: Mark Zuckerberg on Meta's AI hiring, personal superintelligence, CapEx and the Prometheus and Hyperion clusters. Ask me anything about it, in English or Chinese, or pick a topic:",
		ChatThanks:    "You're welcome! 😊 Ask me anything else about the interview, or pick a topic:",
		ChatBye:       "Bye! 👋 Come back any time with a question about the interview.",
		ChatOther:     "I'm a bot that answers questions about one interview: Mark Zuckerberg on Meta's AI hiring, personal superintelligence, CapEx and the Titan clusters. Ask me something about it, for example *Why do researchers care about GPUs?*, or pick a topic:",
	},
	language.Traditional: {
		AskDesc:     "詢問祖克柏關於 AI 招募、超級智慧與泰坦叢集的訪談",
		AskQuestion: "你的問題(中文或英文皆可)", AskQuestionName: "問題",
		AskPrivate: "只有你看得到回答", AskPrivateName: "私密",
		QuoteDesc: "訪談中的一段話:隨機或指定段落", QuoteNumber: "段落編號", QuoteNumberName: "段落",
		TopicsDesc: "訪談的主題", AboutDesc: "這個機器人是什麼、怎麼用",
		Previous: "上一段", Next: "下一段",
		More: "更多結果", Context: "上下文", NoMore: "訪談裡關於這個的內容就這些了。",
		HostAsked: "主持人的提問", OtherPassages: "其他相關段落", Original: "原文",
		Summary: "編者摘要", Interview: "訪談", Passage: "第 %d 段,共 %d 段",
		NoAnswerTitle: "訪談沒有談到這個",
		NoAnswer:      "我在訪談裡找不到能回答「%s」的內容。這篇訪談談的是 Meta 的 AI 招募、個人超級智慧、資本支出和泰坦資料中心,可以試試這些主題。",
		Empty:         "問題是空的。問我一些關於這篇訪談的事吧,例如:*研究員為什麼更在乎 GPU?*",
		TooLong:       "問題太長了(上限 %d 字),請用一兩句話問。",
		Failed:        "抱歉,搜尋時出了點問題,請稍後再試。",
		SlowDown:      "你問得太快了,請等 %d 秒再試。",
		Expired:       "這個按鈕已經失效,請重新輸入指令。",
		ThanksUp:      "謝謝你的回饋!👍", ThanksDown: "謝謝,我會改進回答。👎",
		ContextTitle: "上下文", TopicsTitle: "訪談主題",
		TopicsBody:    "選一個主題,我來回答;或用 `/ask` 問任何問題。",
		QuoteTitle:    "訪談摘錄",
		AboutTitle:    "關於這個機器人",
		About:         "我回答關於一篇訪談的問題:祖克柏談 Meta 的 AI 招募、「個人超級智慧」、資本支出,以及 Prometheus 與 Hyperion「泰坦」叢集。內容是 %s 發布的中文(繁體)逐字稿,每段也附有英文翻譯。",
		AboutHowTitle: "使用方式",
		AboutHow:      "`/ask 問題:` 用繁體中文、简体中文或英文提問\n`/topics` 瀏覽主題\n`/quote` 隨機段落,或用 `段落:` 指定\n在頻道中提及我並附上問題,我會直接回覆。",
		AboutSource:   "來源",
		Asked:         "提問",
		Unsure:        "訪談可能沒有直接回答這個問題,最接近的段落是:",
		ChatHello:     "👋 嗨!我專門回答一篇訪談的問題:祖克柏談 Meta 的 AI 招募、個人超級智慧、資本支出,以及 Prometheus 與 Hyperion 叢集。用中文或英文問我都可以,也可以選一個主題:",
		ChatThanks:    "不客氣!😊 還想知道訪談的什麼都可以問,或選一個主題:",
		ChatBye:       "掰掰!👋 對訪談有問題隨時回來問。",
		ChatOther:     "我是回答一篇訪談的機器人:祖克柏談 Meta 的 AI 招募、個人超級智慧、資本支出和泰坦叢集。問我一個關於訪談的問題吧,例如 *研究員為什麼更在乎 GPU?*,或選一個主題:",
	},
	language.Simplified: {
		AskDesc:     "询问扎克伯格关于 AI 招聘、超级智能与泰坦集群的访谈",
		AskQuestion: "你的问题(中文或英文均可)", AskQuestionName: "问题",
		AskPrivate: "只有你能看到回答", AskPrivateName: "私密",
		QuoteDesc: "访谈中的一段话:随机或指定段落", QuoteNumber: "段落编号", QuoteNumberName: "段落",
		TopicsDesc: "访谈的主题", AboutDesc: "这个机器人是什么、怎么用",
		Previous: "上一段", Next: "下一段",
		More: "更多结果", Context: "上下文", NoMore: "访谈里关于这个的内容就这些了。",
		HostAsked: "主持人的提问", OtherPassages: "其他相关段落", Original: "原文",
		Summary: "编者摘要", Interview: "访谈", Passage: "第 %d 段,共 %d 段",
		NoAnswerTitle: "访谈没有谈到这个",
		NoAnswer:      "我在访谈里找不到能回答「%s」的内容。这篇访谈谈的是 Meta 的 AI 招聘、个人超级智能、资本支出和泰坦数据中心,可以试试这些主题。",
		Empty:         "问题是空的。问我一些关于这篇访谈的事吧,例如:*研究员为什么更在乎 GPU?*",
		TooLong:       "问题太长了(上限 %d 字),请用一两句话提问。",
		Failed:        "抱歉,搜索时出了点问题,请稍后再试。",
		SlowDown:      "你问得太快了,请等 %d 秒再试。",
		Expired:       "这个按钮已经失效,请重新输入指令。",
		ThanksUp:      "谢谢你的反馈!👍", ThanksDown: "谢谢,我会改进回答。👎",
		ContextTitle: "上下文", TopicsTitle: "访谈主题",
		TopicsBody:    "选一个主题,我来回答;或用 `/ask` 问任何问题。",
		QuoteTitle:    "访谈摘录",
		AboutTitle:    "关于这个机器人",
		About:         "我回答关于一篇访谈的问题:扎克伯格谈 Meta 的 AI 招聘、“个人超级智能”、资本支出,以及 Prometheus 与 Hyperion“泰坦”集群。内容是 %s 发布的中文(繁体)文字稿,每段也附有英文翻译。",
		AboutHowTitle: "使用方法",
		AboutHow:      "`/ask 问题:` 用简体中文、繁體中文或英文提问\n`/topics` 浏览主题\n`/quote` 随机段落,或用 `段落:` 指定\n在频道中提及我并附上问题,我会直接回复。",
		AboutSource:   "来源",
		Asked:         "提问",
		Unsure:        "访谈可能没有直接回答这个问题,最接近的段落是:",
		ChatHello:     "👋 你好!我专门回答一篇访谈的问题:扎克伯格谈 Meta 的 AI 招聘、个人超级智能、资本支出,以及 Prometheus 与 Hyperion 集群。用中文或英文问我都可以,也可以选一个主题:",
		ChatThanks:    "不客气!😊 还想知道访谈的什么都可以问,或选一个主题:",
		ChatBye:       "再见!👋 对访谈有问题随时回来问。",
		ChatOther:     "我是回答一篇访谈的机器人:扎克伯格谈 Meta 的 AI 招聘、个人超级智能、资本支出和泰坦集群。问我一个关于访谈的问题吧,例如 *研究员为什么更在乎 GPU?*,或选一个主题:",
	},
}

func textsFor(l language.Lang) *texts {
	if int(l) < 0 || int(l) >= len(catalog) {
		l = language.English
	}
	return &catalog[l]
}

// localizations gives a string in Discord's Chinese locales.
func localizations(pick func(*texts) string) *map[discordgo.Locale]string {
	return &map[discordgo.Locale]string{
		discordgo.ChineseTW: pick(&catalog[language.Traditional]),
		discordgo.ChineseCN: pick(&catalog[language.Simplified]),
	}
}

// langCode names a language inside custom IDs.
var langCode = [...]string{language.English: "en", language.Traditional: "tw", language.Simplified: "cn"}

func parseLang(code string) language.Lang {
	for l, c := range langCode {
		if c == code {
			return language.Lang(l)
		}
	}
	return language.English
}
