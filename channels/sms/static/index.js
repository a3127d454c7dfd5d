// The SMS channels in the operator console: the words for a reply refused because the member's
// number opted out (the server raises a conflict with extra.reason "sms_opted_out").

const STRINGS = {
  ru: {
    "error.reason.sms_opted_out":
      "SMS не отправлено: абонент отписался от SMS — прислал СТОП. Писать ему по SMS можно будет, когда он пришлёт СТАРТ; пока свяжитесь с ним по телефону, e-mail или в мессенджере",
  },
  en: {
    "error.reason.sms_opted_out":
      "SMS not sent: the member opted out of SMS (texted STOP). You can text them again once they send START; until then, reach them by phone, e-mail or a messenger",
  },
};

export function setup(consoleApi) {
  consoleApi.strings(STRINGS);
}
