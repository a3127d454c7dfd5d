from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.column_types import Serial
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-07T12:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "e-mail warm-up: campaign e-mails per account and day"


def _params(**given):
    return {
        "null": False,
        "primary_key": False,
        "unique": False,
        "index": False,
        "index_method": IndexMethod.btree,
        "choices": None,
        "db_column_name": None,
        "secret": False,
        **given,
    }


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="campaigns", description=DESCRIPTION
    )

    manager.add_table(
        class_name="Quota", tablename="campaigns_quota", schema=None, columns=None
    )
    for name, kind, cls, params in (
        ("id", "Serial", Serial, _params(primary_key=True)),
        ("key", "Varchar", Varchar, _params(length=80, default="", unique=True)),
        ("used", "Integer", Integer, _params(default=0)),
    ):
        manager.add_column(
            table_class_name="Quota",
            tablename="campaigns_quota",
            column_name=name,
            db_column_name=name,
            column_class_name=kind,
            column_class=cls,
            params=params,
            schema=None,
        )

    return manager
