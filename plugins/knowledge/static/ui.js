// What the console offers to this plugin (setup(consoleApi)), kept for its modules.

export let ui = null;

export function use(consoleApi) {
  ui = consoleApi;
}

/** The console's address of an article on the page «База знаний». */
export function articleHref(id) {
  return `#/work/knowledge/${id}`;
}
