"""REST API of tasks (``/api/tasks``): tasks and their parts, boards, projects, templates,
recurring series, counters and the appeal's tasks. Every rule lives in the services."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from litestar import Controller, Response, delete, get, patch, post, put
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, JSONBody, QueryParameter

from unionline import NotFound, TextQuery
from unionline.plugins.tasks import (
    board,
    changes,
    creation,
    feed,
    files,
    lists,
    parts,
    projects,
    reading,
    recurrence,
    templates,
    views,
)
from unionline.plugins.tasks.schemas import (
    AppealTasks,
    Board,
    Counters,
    DeadlineChange,
    FeedLink,
    FileView,
    ItemChange,
    MembersChange,
    Move,
    Moved,
    NewComment,
    NewItem,
    NewLink,
    NewProject,
    NewSavedView,
    NewSeries,
    NewStage,
    NewTask,
    NewTemplate,
    PeopleChange,
    ProjectChange,
    ProjectView,
    ResponsibleChange,
    SavedViewView,
    SeriesEnd,
    SeriesView,
    StageChange,
    StatusChange,
    TaskChange,
    TaskPage,
    TaskView,
    TemplateView,
    TimelineItem,
)
from unionline.plugins.tasks.vocabulary import vocabulary
from unionline.web import CurrentActor

TaskId = FromPath[uuid.UUID]
ViewName = Annotated[str, QueryParameter(pattern=r"^(mine|set_by_me|observing|overdue|all)$(?!\n)")]
UPLOAD_LIMIT = 26 * 1024 * 1024  # the channels' attachment limit decides; this bounds the body


@dataclass
class FileUpload:
    file: UploadFile


def _file_response(found: files.FileBytes) -> Response[bytes]:
    fallback = found.name.encode("ascii", "replace").decode().replace("?", "_")
    kind = "inline" if found.inline else "attachment"
    return Response(
        content=found.content,
        media_type=found.content_type,
        headers={
            "Content-Disposition": f'{kind}; filename="{fallback}"; '
            f"filename*=UTF-8''{quote(found.name)}",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


StatusName = Annotated[
    str | None,
    QueryParameter(
        pattern=r"^(open|new|in_progress|waiting_control|done|deferred|declined)$(?!\n)"
    ),
]


class TasksController(Controller):
    path = "/api/tasks"
    tags = ("tasks",)

    @get("/vocabulary")
    async def tasks_vocabulary(self, actor: CurrentActor) -> dict[str, Any]:
        """Statuses and priorities with their Russian and English labels."""
        return vocabulary()

    @get("/")
    async def list_tasks(
        self,
        actor: CurrentActor,
        view: ViewName = "mine",
        status: StatusName = None,
        project_id: FromQuery[uuid.UUID | None] = None,
        appeal_id: FromQuery[uuid.UUID | None] = None,
        organization_id: FromQuery[uuid.UUID | None] = None,
        responsible_id: FromQuery[uuid.UUID | None] = None,
        q: TextQuery = None,
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
        offset: Annotated[int, QueryParameter(ge=0, le=1_000_000)] = 0,
    ) -> TaskPage:
        """Tasks in ``view`` (mine, set_by_me, observing, overdue, all) with filters, nearest
        deadline first. Requires ``tasks.read``; only the actor's organization subtree."""
        f = lists.Filters(
            view=view,
            status=status,
            project_id=project_id,
            appeal_id=appeal_id,
            organization_id=organization_id,
            responsible_id=responsible_id,
            q=q or "",
            limit=limit,
            offset=offset,
        )
        return await lists.listing(actor, f)

    @get("/counters")
    async def task_counters(self, actor: CurrentActor) -> Counters:
        """Open tasks I do, I set, I observe, and my overdue ones (the console header)."""
        return await lists.counters(actor)

    @post("/")
    async def create_task(self, actor: CurrentActor, data: JSONBody[NewTask]) -> TaskView:
        """Set a task (from a template, an appeal, under a parent task). Requires
        ``tasks.create``; someone else responsible needs ``tasks.assign``."""
        task = await creation.create(actor, data)
        return await reading.view(actor, task)

    @get("/{task_id:uuid}")
    async def get_task(self, actor: CurrentActor, task_id: TaskId) -> TaskView:
        """A task with its people, checklist, subtasks, comments, links and history."""
        return await reading.get(actor, task_id)

    @patch("/{task_id:uuid}")
    async def edit_task(
        self, actor: CurrentActor, task_id: TaskId, data: JSONBody[TaskChange]
    ) -> TaskView:
        """Change title, description, priority, tags, acceptance or project (creator, manager)."""
        return await reading.view(actor, await changes.edit(actor, task_id, data))

    @post("/{task_id:uuid}/status", status_code=200)
    async def set_task_status(
        self, actor: CurrentActor, task_id: TaskId, data: JSONBody[StatusChange]
    ) -> TaskView:
        """Move the task to a status (see docs/tasks.md for who may)."""
        return await reading.view(actor, await changes.set_status(actor, task_id, data.status))

    @put("/{task_id:uuid}/responsible")
    async def set_task_responsible(
        self, actor: CurrentActor, task_id: TaskId, data: JSONBody[ResponsibleChange]
    ) -> TaskView:
        """Hand the task to another responsible (delegate)."""
        return await reading.view(
            actor, await changes.set_responsible(actor, task_id, data.responsible_id)
        )

    @put("/{task_id:uuid}/deadline")
    async def set_task_deadline(
        self, actor: CurrentActor, task_id: TaskId, data: JSONBody[DeadlineChange]
    ) -> TaskView:
        """The creator moves the deadline; the responsible's move is a request."""
        return await reading.view(actor, await changes.set_deadline(actor, task_id, data.deadline))

    @post("/{task_id:uuid}/deadline/approve", status_code=200)
    async def approve_deadline(self, actor: CurrentActor, task_id: TaskId) -> TaskView:
        """The creator approves the responsible's request to move the deadline."""
        return await reading.view(actor, await changes.answer_request(actor, task_id, True))

    @post("/{task_id:uuid}/deadline/decline", status_code=200)
    async def decline_deadline(self, actor: CurrentActor, task_id: TaskId) -> TaskView:
        """The creator declines the responsible's request to move the deadline."""
        return await reading.view(actor, await changes.answer_request(actor, task_id, False))

    @put("/{task_id:uuid}/people")
    async def set_task_people(
        self, actor: CurrentActor, task_id: TaskId, data: JSONBody[PeopleChange]
    ) -> TaskView:
        """Co-executors and observers."""
        return await reading.view(actor, await changes.set_people(actor, task_id, data))

    @post("/{task_id:uuid}/move", status_code=200)
    async def move_task(self, actor: CurrentActor, task_id: TaskId, data: JSONBody[Move]) -> Moved:
        """Move a card on its board (one row written; viewers get ``tasks.moved``)."""
        return await board.move(actor, task_id, data)

    @post("/{task_id:uuid}/checklist", status_code=200)
    async def add_checklist_item(
        self, actor: CurrentActor, task_id: TaskId, data: JSONBody[NewItem]
    ) -> TaskView:
        """Add a checklist item (``parent_id``: under another item)."""
        await parts.add_item(actor, task_id, data)
        return await reading.get(actor, task_id)

    @patch("/{task_id:uuid}/checklist/{item_id:uuid}")
    async def change_checklist_item(
        self,
        actor: CurrentActor,
        task_id: TaskId,
        item_id: FromPath[uuid.UUID],
        data: JSONBody[ItemChange],
    ) -> TaskView:
        """Tick (with its sub-items), untick or rename an item."""
        await parts.change_item(actor, task_id, item_id, data)
        return await reading.get(actor, task_id)

    @delete("/{task_id:uuid}/checklist/{item_id:uuid}", status_code=200)
    async def delete_checklist_item(
        self, actor: CurrentActor, task_id: TaskId, item_id: FromPath[uuid.UUID]
    ) -> TaskView:
        """Remove an item and its sub-items."""
        await parts.delete_item(actor, task_id, item_id)
        return await reading.get(actor, task_id)

    @post("/{task_id:uuid}/comments", status_code=200)
    async def comment_task(
        self, actor: CurrentActor, task_id: TaskId, data: JSONBody[NewComment]
    ) -> TaskView:
        """A comment (Markdown; ``@[Имя](operator id)`` notifies that operator)."""
        await parts.comment(actor, task_id, data)
        return await reading.get(actor, task_id)

    @post("/{task_id:uuid}/links", status_code=200)
    async def link_task(
        self, actor: CurrentActor, task_id: TaskId, data: JSONBody[NewLink]
    ) -> TaskView:
        """Link to an appeal, a member, a document or another task (blocks, related)."""
        await parts.add_link(actor, task_id, data)
        return await reading.get(actor, task_id)

    @post("/{task_id:uuid}/files", request_max_body_size=UPLOAD_LIMIT)
    async def upload_task_file(
        self,
        actor: CurrentActor,
        task_id: TaskId,
        data: Annotated[FileUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> FileView:
        """Attach a file (the multipart part ``file``; the channels' size and type limits)."""
        content = await data.file.read()
        return await files.upload(
            actor, task_id, data.file.filename, data.file.content_type, content
        )

    @get("/{task_id:uuid}/files/{file_id:uuid}", media_type="*/*")
    async def download_task_file(
        self, actor: CurrentActor, task_id: TaskId, file_id: FromPath[uuid.UUID]
    ) -> Response[bytes]:
        """A file of the task (images inline, anything else as a download)."""
        return _file_response(await files.download(actor, task_id, file_id))

    @delete("/{task_id:uuid}/files/{file_id:uuid}", status_code=200)
    async def delete_task_file(
        self, actor: CurrentActor, task_id: TaskId, file_id: FromPath[uuid.UUID]
    ) -> TaskView:
        """Remove a file (who uploaded it, the creator, a manager)."""
        await files.remove(actor, task_id, file_id)
        return await reading.get(actor, task_id)

    @get("/views")
    async def list_saved_views(self, actor: CurrentActor) -> list[SavedViewView]:
        """The caller's saved views of the list."""
        return await views.listing(actor)

    @post("/views", status_code=200)
    async def save_view(self, actor: CurrentActor, data: JSONBody[NewSavedView]) -> SavedViewView:
        """Save the list's filters under a name (the same name again replaces them)."""
        return await views.save(actor, data)

    @delete("/views/{view_id:uuid}")
    async def delete_saved_view(self, actor: CurrentActor, view_id: FromPath[uuid.UUID]) -> None:
        """Remove one of the caller's saved views."""
        await views.delete(actor, view_id)

    @post("/feed", status_code=200)
    async def new_feed_link(self, actor: CurrentActor) -> FeedLink:
        """A new address of the caller's iCalendar feed of deadlines (the old one stops)."""
        return await feed.new_link(actor)

    @delete("/feed")
    async def revoke_feed(self, actor: CurrentActor) -> None:
        """Switch the caller's feed off."""
        await feed.revoke(actor)

    @get("/feed/{token:str}", media_type="text/calendar")
    async def deadlines_feed(self, token: FromPath[str]) -> Response[bytes]:
        """The iCalendar feed (no session: the address's token is the key)."""
        if not token.endswith(".ics") or len(token) > 100:
            raise NotFound("no such feed", field="token")
        return Response(
            await feed.render(token.removesuffix(".ics")),
            media_type="text/calendar; charset=utf-8",
            headers={"Cache-Control": "private, max-age=300"},
        )

    @get("/board")
    async def task_board(
        self,
        actor: CurrentActor,
        project_id: FromQuery[uuid.UUID | None] = None,
        view: ViewName = "all",
    ) -> Board:
        """A project's kanban, or the status board of tasks without a project in ``view``."""
        return await board.board(actor, project_id, view)

    @get("/timeline")
    async def task_timeline(
        self,
        actor: CurrentActor,
        project_id: FromQuery[uuid.UUID | None] = None,
        view: ViewName = "all",
    ) -> list[TimelineItem]:
        """Deadlines as bars from creation, with what blocks each task."""
        return await lists.timeline(actor, project_id, view)

    @get("/appeals/{appeal_id:uuid}")
    async def appeal_tasks(
        self, actor: CurrentActor, appeal_id: FromPath[uuid.UUID]
    ) -> AppealTasks:
        """The tasks of an appeal and how many are open and closed."""
        return await reading.appeal_tasks(actor, appeal_id)


class ProjectsController(Controller):
    path = "/api/tasks/projects"
    tags = ("tasks",)

    @get("/")
    async def list_projects(self, actor: CurrentActor) -> list[ProjectView]:
        """Projects of the actor's subtree."""
        return await projects.listing(actor)

    @post("/")
    async def create_project(self, actor: CurrentActor, data: JSONBody[NewProject]) -> ProjectView:
        """A project with its stages (default: Новые, В работе, На проверке, Готово). Requires
        ``tasks.projects``."""
        return await projects.create(actor, data)

    @get("/{project_id:uuid}")
    async def get_project(
        self, actor: CurrentActor, project_id: FromPath[uuid.UUID]
    ) -> ProjectView:
        """A project with its stages and members."""
        return await projects.get(actor, project_id)

    @post("/{project_id:uuid}/stages")
    async def add_project_stage(
        self, actor: CurrentActor, project_id: FromPath[uuid.UUID], data: JSONBody[NewStage]
    ) -> ProjectView:
        """Add a stage at the end of the board."""
        return await projects.add_stage(actor, project_id, data)

    @patch("/{project_id:uuid}")
    async def change_project(
        self, actor: CurrentActor, project_id: FromPath[uuid.UUID], data: JSONBody[ProjectChange]
    ) -> ProjectView:
        """Rename, describe or archive the project (its managers)."""
        return await projects.change(actor, project_id, data)

    @put("/{project_id:uuid}/members")
    async def set_project_members(
        self, actor: CurrentActor, project_id: FromPath[uuid.UUID], data: JSONBody[MembersChange]
    ) -> ProjectView:
        """The project's members and their roles (manager, member, viewer)."""
        return await projects.set_members(actor, project_id, data)

    @patch("/{project_id:uuid}/stages/{stage_id:uuid}")
    async def change_project_stage(
        self,
        actor: CurrentActor,
        project_id: FromPath[uuid.UUID],
        stage_id: FromPath[uuid.UUID],
        data: JSONBody[StageChange],
    ) -> ProjectView:
        """Rename a stage, bind it to a status or move it on the board."""
        return await projects.change_stage(actor, project_id, stage_id, data)

    @delete("/{project_id:uuid}/stages/{stage_id:uuid}", status_code=200)
    async def delete_project_stage(
        self, actor: CurrentActor, project_id: FromPath[uuid.UUID], stage_id: FromPath[uuid.UUID]
    ) -> ProjectView:
        """Remove an empty stage (409 while it holds cards)."""
        return await projects.delete_stage(actor, project_id, stage_id)


class TemplatesController(Controller):
    path = "/api/tasks/templates"
    tags = ("tasks",)

    @get("/")
    async def list_templates(self, actor: CurrentActor) -> list[TemplateView]:
        """Task templates of the actor's subtree."""
        return await templates.listing(actor)

    @post("/")
    async def create_template(
        self, actor: CurrentActor, data: JSONBody[NewTemplate]
    ) -> TemplateView:
        """A task template. Requires ``tasks.templates``."""
        return await templates.create(actor, data)

    @delete("/{template_id:uuid}")
    async def delete_template(self, actor: CurrentActor, template_id: FromPath[uuid.UUID]) -> None:
        """Remove a template."""
        await templates.delete(actor, template_id)


class SeriesController(Controller):
    path = "/api/tasks/series"
    tags = ("tasks",)

    @get("/")
    async def list_series(self, actor: CurrentActor) -> list[SeriesView]:
        """Recurring tasks of the actor's subtree."""
        return await recurrence.listing(actor)

    @post("/")
    async def create_series(self, actor: CurrentActor, data: JSONBody[NewSeries]) -> SeriesView:
        """A recurring task from a template. Requires ``tasks.templates``."""
        return await recurrence.create(actor, data)

    @post("/{series_id:uuid}/end", status_code=200)
    async def end_series(
        self, actor: CurrentActor, series_id: FromPath[uuid.UUID], data: JSONBody[SeriesEnd]
    ) -> SeriesView:
        """«Завершить серию»: no task after ``last_on`` (none: no more from now on). Requires
        ``tasks.templates``."""
        return await recurrence.end(actor, series_id, data)


CONTROLLERS = (TasksController, ProjectsController, TemplatesController, SeriesController)
