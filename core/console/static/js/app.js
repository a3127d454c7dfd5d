// Entry point of the operator console (ES modules, no build step, no third-party requests).

import { setLang, lang } from "./i18n.js";
import "./vocabulary.js"; // statuses and their labels, from the server, before anything renders
import "../components/ul-app.js";

setLang(lang(), false); // title and <html lang> in the chosen language
