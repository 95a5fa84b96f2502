package bot

import (
	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/internal/language"
)

// communityTexts are the words of the ways to ask that live beside the
// slash commands: the message command, the share button and forum answers.
type communityTexts struct {
	// AskMessage names the message command in the message's Apps menu.
	AskMessage string
	// Answering heads an answer to another member's message; %s is the
	// link to it.
	Answering string
	// NoText, TooLongMessage: notices for a message that cannot be asked.
	NoText, TooLongMessage string
	// Share labels the button under a private answer; SharedBy credits
	// the asker (%s is their mention, which never pings).
	Share, SharedBy string
	// ForumHint follows a forum answer.
	ForumHint string
}

var communityCatalog = [...]communityTexts{
	language.English: {
		AskMessage:     "Ask the interview",
		Answering:      "↪️ Answering %s",
		NoText:         "That message has no text I can ask about (only embeds, attachments or nothing). Try `/ask` with the question in your own words.",
		TooLongMessage: "That message is too long to ask as one question (the limit is %d characters). Try `/ask` with the part you want answered.",
		Share:          "Post to channel",
		SharedBy:       "💬 asked by %s",
		ForumHint:      "Not helpful? Try `/ask` with your question in other words.",
	},
	language.Traditional: {
		AskMessage:     "問訪談",
		Answering:      "↪️ 回答 %s",
		NoText:         "這則訊息沒有可以提問的文字(只有嵌入內容、附件,或是空的)。試試用 `/ask` 以自己的話提問。",
		TooLongMessage: "這則訊息太長,無法當成一個問題(上限 %d 字)。試試用 `/ask` 問你想知道的部分。",
		Share:          "發到頻道",
		SharedBy:       "💬 由 %s 提問",
		ForumHint:      "沒有幫助?試試用 `/ask` 換個說法提問。",
	},
	language.Simplified: {
		AskMessage:     "问访谈",
		Answering:      "↪️ 回答 %s",
		NoText:         "这条消息没有可以提问的文字(只有嵌入内容、附件,或是空的)。试试用 `/ask` 以自己的话提问。",
		TooLongMessage: "这条消息太长,无法当成一个问题(上限 %d 字)。试试用 `/ask` 问你想知道的部分。",
		Share:          "发到频道",
		SharedBy:       "💬 由 %s 提问",
		ForumHint:      "没有帮助?试试用 `/ask` 换个说法提问。",
	},
}

func communityFor(l language.Lang) *communityTexts {
	if int(l) < 0 || int(l) >= len(communityCatalog) {
		l = language.English
	}
	return &communityCatalog[l]
}

// communityLocalizations gives a community string in Discord's Chinese
// locales.
func communityLocalizations(pick func(*communityTexts) string) *map[discordgo.Locale]string {
	return &map[discordgo.Locale]string{
		discordgo.ChineseTW: pick(&communityCatalog[language.Traditional]),
		discordgo.ChineseCN: pick(&communityCatalog[language.Simplified]),
	}
}
