"""An operator's own desk: the notifications inbox (mentions, appeals handed to them, robots'
notices — kept until read, not only shown as toasts) and the appeal-list filters they saved."""
