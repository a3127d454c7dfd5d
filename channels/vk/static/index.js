// The VK channel in the operator console: the words for a reply it refuses (the server raises
// a conflict with extra.reason "vk_messages_denied"; errors.js shows error.reason.<reason>).

const STRINGS = {
  ru: {
    "error.reason.vk_messages_denied":
      "Ответ не отправлен: заявитель запретил сообщения от сообщества во ВКонтакте. Ответить здесь можно будет, когда он снова напишет сообществу или разрешит сообщения; пока свяжитесь с ним по телефону или e-mail",
  },
  en: {
    "error.reason.vk_messages_denied":
      "Reply not sent: the member has forbidden messages from the VK community. You can answer here once they write to the community again or allow its messages; until then, reach them by phone or e-mail",
  },
};

export function setup(consoleApi) {
  consoleApi.strings(STRINGS);
}
