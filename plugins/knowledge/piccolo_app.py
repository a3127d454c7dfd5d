from __future__ import annotations

from pathlib import Path

from piccolo.conf.apps import AppConfig

from unionline.plugins.knowledge.tables import (
    Article,
    ArticleFile,
    Category,
    Course,
    Lesson,
    Progress,
    Revision,
    SuggestionLog,
    Term,
)

APP_CONFIG = AppConfig(
    app_name="knowledge",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[
        Category,
        Article,
        Revision,
        Term,
        SuggestionLog,
        Course,
        Lesson,
        Progress,
        ArticleFile,
    ],
)
